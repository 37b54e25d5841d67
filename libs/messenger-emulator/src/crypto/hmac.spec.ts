import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appSecretProof, constantTimeEquals, signBody } from '../index.js';

describe('HMAC helpers', () => {
  it('signBody gives sha256=<hex HMAC of the exact bytes>', () => {
    const body = '{"object":"page","entry":[]}';
    const expected = createHmac('sha256', 'secret').update(Buffer.from(body, 'utf8')).digest('hex');
    expect(signBody(body, 'secret')).toBe(`sha256=${expected}`);
    expect(signBody(Buffer.from(body), 'secret')).toBe(`sha256=${expected}`);
    expect(signBody(`${body} `, 'secret')).not.toBe(`sha256=${expected}`);
  });

  it('appSecretProof is the HMAC of the token keyed with the app secret', () => {
    expect(appSecretProof('token', 'secret')).toBe(createHmac('sha256', 'secret').update('token').digest('hex'));
  });

  it('constantTimeEquals compares content and length', () => {
    expect(constantTimeEquals('abc', 'abc')).toBe(true);
    expect(constantTimeEquals('abc', 'abd')).toBe(false);
    expect(constantTimeEquals('abc', 'abcd')).toBe(false);
  });
});
