import { describe, expect, it } from 'vitest';
import { DEFAULT_EMULATOR_HOST, DEFAULT_EMULATOR_PORT, EnvError, readEmulatorEnv } from './env.js';

describe('readEmulatorEnv', () => {
  it('uses loopback:3900 and no checks by default', () => {
    expect(readEmulatorEnv({})).toEqual({
      port: DEFAULT_EMULATOR_PORT,
      host: DEFAULT_EMULATOR_HOST,
      appSecret: undefined,
      tokens: {},
      appId: undefined,
      enforceThreadOwnership: false,
      webhookUrl: undefined,
    });
  });

  it('reads every variable', () => {
    const config = readEmulatorEnv({
      EMULATOR_PORT: '4100',
      EMULATOR_HOST: '0.0.0.0',
      META_APP_SECRET: 's3cret',
      EMULATOR_PAGE_TOKENS: 'tokA=111, tokB==222',
      EMULATOR_APP_ID: '555',
      EMULATOR_ENFORCE_THREAD_OWNER: 'true',
      EMULATOR_WEBHOOK_URL: 'http://127.0.0.1:3000/webhook',
    });
    expect(config).toEqual({
      port: 4100,
      host: '0.0.0.0',
      appSecret: 's3cret',
      tokens: { tokA: '111', 'tokB=': '222' },
      appId: '555',
      enforceThreadOwnership: true,
      webhookUrl: 'http://127.0.0.1:3000/webhook',
    });
  });

  it.each(['abc', '-1', '65536', '80.5'])('refuses EMULATOR_PORT=%s naming the variable', (port) => {
    expect(() => readEmulatorEnv({ EMULATOR_PORT: port })).toThrow(EnvError);
    expect(() => readEmulatorEnv({ EMULATOR_PORT: port })).toThrow(/EMULATOR_PORT/);
  });

  it.each(['justatoken', '=123', 'tok=abc'])('refuses EMULATOR_PAGE_TOKENS=%s naming the variable', (tokens) => {
    expect(() => readEmulatorEnv({ EMULATOR_PAGE_TOKENS: tokens })).toThrow(/EMULATOR_PAGE_TOKENS/);
  });

  it.each(['127.0.0.1:3000/webhook', '/webhook', 'ftp://127.0.0.1/webhook', 'not a url'])(
    'refuses EMULATOR_WEBHOOK_URL=%s naming the variable',
    (url) => {
      expect(() => readEmulatorEnv({ EMULATOR_WEBHOOK_URL: url })).toThrow(/EMULATOR_WEBHOOK_URL/);
    },
  );

  it('refuses a flag that is not a boolean', () => {
    expect(() => readEmulatorEnv({ EMULATOR_ENFORCE_THREAD_OWNER: 'yes' })).toThrow(/EMULATOR_ENFORCE_THREAD_OWNER/);
  });
});
