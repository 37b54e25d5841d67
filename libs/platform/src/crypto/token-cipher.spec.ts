import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenCipher } from './token-cipher.js';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const keyC = randomBytes(32).toString('base64');

/** The first format, written here apart from the code under test: `v1.<iv>.<tag>.<ciphertext>`. */
function sealV1(base64Key: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(base64Key, 'base64'), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

const expectedKeyId = (base64Key: string) =>
  createHash('sha256').update('mho-token-key-id\0').update(Buffer.from(base64Key, 'base64')).digest('base64url').slice(0, 8);

describe('TokenCipher', () => {
  it('seals as v2 with the current key id, never the clear value, and opens what it sealed', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }), (plain) => {
        const cipher = new TokenCipher(keyA);
        const sealed = cipher.seal(plain);
        expect(sealed.startsWith(`v2.${expectedKeyId(keyA)}.`)).toBe(true);
        expect(sealed.split('.')).toHaveLength(5);
        if (plain.length >= 4) expect(sealed).not.toContain(plain);
        expect(cipher.open(sealed)).toBe(plain);
      }),
    );
  });

  it('after a rotation, opens values sealed with a previous key (v2 by key id, v1 by trying each key)', () => {
    const before = new TokenCipher(keyA);
    const after = new TokenCipher(keyB, [keyC, keyA]);
    expect(after.open(before.seal('page-token'))).toBe('page-token');
    expect(after.open(sealV1(keyA, 'otn-token'))).toBe('otn-token');
    expect(after.open(sealV1(keyB, 'current-v1'))).toBe('current-v1');
    expect(after.keyId).toBe(expectedKeyId(keyB));
    expect(after.seal('x').startsWith(after.currentPrefix())).toBe(true);
    expect(before.seal('x').startsWith(after.currentPrefix())).toBe(false);
    expect(sealV1(keyB, 'x').startsWith(after.currentPrefix())).toBe(false); // v1 is re-sealed too, to carry a key id
  });

  it('refuses a value of a key it does not have, a tampered value and what is not a sealed value', () => {
    const cipher = new TokenCipher(keyB, [keyC]);
    expect(() => cipher.open(new TokenCipher(keyA).seal('x'))).toThrow('a key this installation does not have');
    expect(() => cipher.open(sealV1(keyA, 'x'))).toThrow('a key this installation does not have');
    const sealed = cipher.seal('secret');
    const parts = sealed.split('.');
    const flipped = [...parts.slice(0, 4), Buffer.from('other!').toString('base64url')].join('.');
    expect(() => cipher.open(flipped)).toThrow();
    // 12 and 4 bytes of the tag (16 and 6 base64url characters): GCM would accept either as a
    // valid, shorter tag; only 16-byte tags are taken
    for (const chars of [16, 6]) {
      const shortTag = [...parts.slice(0, 3), (parts[3] as string).slice(0, chars), parts[4]].join('.');
      expect(() => cipher.open(shortTag)).toThrow();
    }
    for (const bad of ['', 'secret', 'v2.a.b.c', 'v1.a.b', 'v3.a.b.c.d']) expect(() => cipher.open(bad)).toThrow();
  });

  it('fingerprints with the current key and lists the previous keys\u2019 fingerprints (HMAC-SHA256, hex)', () => {
    const cipher = new TokenCipher(keyB, [keyA]);
    const hmac = (key: string) => createHmac('sha256', Buffer.from(key, 'base64')).update('tok').digest('hex');
    expect(cipher.fingerprint('tok')).toBe(hmac(keyB));
    expect(cipher.previousFingerprints('tok')).toEqual([hmac(keyA)]);
    expect(new TokenCipher(keyB).previousFingerprints('tok')).toEqual([]);
  });

  it('names the variable of a key that is not 32 bytes', () => {
    expect(() => new TokenCipher('c2hvcnQ=')).toThrow('TOKEN_ENCRYPTION_KEY');
    expect(() => new TokenCipher(keyA, ['c2hvcnQ='])).toThrow('TOKEN_ENCRYPTION_PREVIOUS_KEYS');
  });
});
