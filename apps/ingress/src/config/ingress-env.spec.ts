import { randomBytes } from 'node:crypto';
import { validateEnv } from '@app/platform';
import { describe, expect, it } from 'vitest';
import { ingressEnvSchema } from './ingress-env.js';

const required = { META_APP_SECRET: 's', META_VERIFY_TOKEN: 'v', TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
const validate = validateEnv(ingressEnvSchema);

describe('ingressEnvSchema', () => {
  it('applies the documented defaults', () => {
    expect(validate(required)).toMatchObject({
      INGRESS_PORT: 3000,
      WEBHOOK_BODY_LIMIT_BYTES: 1_048_576,
      ACCEPT_SHA1_SIGNATURE: false,
      PUBLISH_TIMEOUT_MS: 2000,
      META_APP_SECRETS: new Map(),
    });
  });

  it('reads per-app secrets as appId=secret pairs', () => {
    const env = validate({ ...required, META_APP_SECRETS: ' 111=abc , 222=d=e ', ACCEPT_SHA1_SIGNATURE: 'true' });
    expect([...env.META_APP_SECRETS]).toEqual([
      ['111', 'abc'],
      ['222', 'd=e'],
    ]);
    expect(env.ACCEPT_SHA1_SIGNATURE).toBe(true);
  });

  it.each([['111'], ['=abc'], ['111='], ['A B=x'], ['111=a,111=b']])('refuses %j without printing the secret', (value) => {
    expect(() => validate({ ...required, META_APP_SECRETS: value })).toThrow(/META_APP_SECRETS/);
    try {
      validate({ ...required, META_APP_SECRETS: value });
    } catch (error) {
      expect((error as Error).message).not.toMatch(/abc|=x|=a|=b/);
    }
  });

  it('reads the previous encryption keys as a comma-separated list, and names the variable of a bad one', () => {
    const [a, b] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    expect(validate(required).TOKEN_ENCRYPTION_PREVIOUS_KEYS).toEqual([]);
    expect(validate({ ...required, TOKEN_ENCRYPTION_PREVIOUS_KEYS: ` ${a} ,${b},` }).TOKEN_ENCRYPTION_PREVIOUS_KEYS).toEqual([a, b]);
    expect(() => validate({ ...required, TOKEN_ENCRYPTION_PREVIOUS_KEYS: `${a},c2hvcnQ=` })).toThrow(/TOKEN_ENCRYPTION_PREVIOUS_KEYS/);
  });

  it('requires the secret, the verify token and the encryption key', () => {
    expect(() => validate({})).toThrow(/META_APP_SECRET[\s\S]*META_VERIFY_TOKEN|META_VERIFY_TOKEN[\s\S]*META_APP_SECRET/);
  });
});
