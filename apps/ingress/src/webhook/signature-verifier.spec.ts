import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signatureFor, verifySignature } from './signature-verifier.js';

const secret = 'app-secret-123';
const body = Buffer.from('{"object":"page","entry":[]}');
const strict = { acceptSha1: false };
const sha256 = (raw: Uint8Array, key = secret) => createHmac('sha256', key).update(raw).digest('hex');
/** Meta's SHA-1 header, computed here, not by the code under test. */
const sha1Header = (raw: Uint8Array, key = secret) => `sha1=${createHmac('sha1', key).update(raw).digest('hex')}`;

describe('verifySignature', () => {
  it('accepts the HMAC-SHA256 of the raw bytes', () => {
    expect(verifySignature(body, { sha256: `sha256=${sha256(body)}` }, secret, strict)).toEqual({ valid: true, algorithm: 'sha256' });
  });

  it('accepts upper-case hex (hex case carries no meaning)', () => {
    expect(verifySignature(body, { sha256: `sha256=${sha256(body).toUpperCase()}` }, secret, strict).valid).toBe(true);
  });

  it('rejects a signature made with another secret', () => {
    expect(verifySignature(body, { sha256: `sha256=${sha256(body, 'other')}` }, secret, strict)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('reports a missing header', () => {
    expect(verifySignature(body, {}, secret, strict)).toEqual({ valid: false, reason: 'missing' });
  });

  it.each([
    ['no prefix', sha256(body)],
    ['wrong prefix', `sha1=${sha256(body)}`],
    ['upper-case prefix', `SHA256=${sha256(body)}`],
    ['one hex digit short', `sha256=${sha256(body).slice(1)}`],
    ['one hex digit long', `sha256=${sha256(body)}0`],
    ['not hex', `sha256=${'z'.repeat(64)}`],
    ['empty', ''],
  ])('rejects a malformed header (%s)', (_case, header) => {
    expect(verifySignature(body, { sha256: header }, secret, strict)).toEqual({ valid: false, reason: 'malformed' });
  });

  it('rejects a repeated header', () => {
    const header = `sha256=${sha256(body)}`;
    expect(verifySignature(body, { sha256: [header, header] }, secret, strict).valid).toBe(false);
  });

  it('ignores X-Hub-Signature (SHA-1) unless it is enabled', () => {
    const sha1 = sha1Header(body);
    expect(verifySignature(body, { sha1 }, secret, strict)).toEqual({ valid: false, reason: 'sha1_only' });
    expect(verifySignature(body, { sha1 }, secret, { acceptSha1: true })).toEqual({ valid: true, algorithm: 'sha1' });
    expect(verifySignature(body, { sha1: sha1Header(body, 'other') }, secret, { acceptSha1: true }).valid).toBe(false);
  });

  it('never lets a valid SHA-1 rescue a wrong SHA-256', () => {
    const headers = { sha256: `sha256=${sha256(body, 'other')}`, sha1: sha1Header(body) };
    expect(verifySignature(body, headers, secret, { acceptSha1: true })).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('property: any body signed with the secret verifies', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.string({ minLength: 1 }), (raw, key) => {
        expect(verifySignature(raw, { sha256: `sha256=${sha256(raw, key)}` }, key, strict).valid).toBe(true);
      }),
    );
  });

  it('property: changing any one byte of the body makes the signature fail', () => {
    const bodyAndChange = fc
      .uint8Array({ minLength: 1, maxLength: 2048 })
      .chain((raw) => fc.tuple(fc.constant(raw), fc.nat({ max: raw.length - 1 }), fc.integer({ min: 1, max: 255 })));
    fc.assert(
      fc.property(bodyAndChange, ([raw, index, flip]) => {
        const header = `sha256=${sha256(raw)}`;
        const tampered = Uint8Array.from(raw);
        tampered[index] = tampered[index]! ^ flip;
        expect(verifySignature(tampered, { sha256: header }, secret, strict)).toEqual({ valid: false, reason: 'mismatch' });
      }),
    );
  });

  it('signs as Meta does (the simulator and the benchmarks use signatureFor)', () => {
    expect(signatureFor(body, secret)).toBe(`sha256=${sha256(body)}`);
    expect(signatureFor(body, secret, 'sha1')).toBe(sha1Header(body));
  });

  it('property: changing any one hex digit of the signature makes it fail', () => {
    const hexDigit = fc.constantFrom(...'0123456789abcdef');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.nat({ max: 63 }), hexDigit, (raw, index, digit) => {
        const hex = sha256(raw);
        fc.pre(hex[index] !== digit);
        const forged = `sha256=${hex.slice(0, index)}${digit}${hex.slice(index + 1)}`;
        expect(verifySignature(raw, { sha256: forged }, secret, strict).valid).toBe(false);
      }),
    );
  });
});
