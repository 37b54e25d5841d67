import { randomBytes } from 'node:crypto';
import { TokenCipher } from '@app/platform';
import { describe, expect, it } from 'vitest';
import { sealOptinTokens, sealTokensDeep } from './secret-sealing.js';

const cipher = new TokenCipher(randomBytes(32).toString('base64'));
const seal = (clear: string) => cipher.seal(clear);
const optin = { sender: { id: '7' }, optin: { type: 'one_time_notif_req', payload: 'P', one_time_notif_token: 'otn-clear-1' } };

describe('sealOptinTokens', () => {
  it('moves the token out of the event, sealed', () => {
    const { event, sealed } = sealOptinTokens(optin, seal);
    expect(event).toEqual({ sender: { id: '7' }, optin: { type: 'one_time_notif_req', payload: 'P' } });
    expect(cipher.open(sealed!.oneTimeNotifToken)).toBe('otn-clear-1');
    expect(JSON.stringify({ event, sealed })).not.toContain('otn-clear-1');
  });

  it('does not modify the event it was given', () => {
    sealOptinTokens(optin, seal);
    expect(optin.optin.one_time_notif_token).toBe('otn-clear-1');
  });

  it('seals a Marketing Messages token where it is', () => {
    const marketing = { sender: { id: '7' }, optin: { type: 'notification_messages', payload: 'P', notification_messages_token: 'mm-clear-1' } };
    const { event, sealed } = sealOptinTokens(marketing, seal);
    expect(sealed).toBeUndefined();
    expect(JSON.stringify(event)).not.toContain('mm-clear-1');
    expect(cipher.open((event.optin as { notification_messages_token: string }).notification_messages_token)).toBe('mm-clear-1');
    expect(marketing.optin.notification_messages_token).toBe('mm-clear-1');
  });

  it('takes the token out of an event that carries an optin beside something that classifies it otherwise', () => {
    const both = { message: { mid: 'm1', text: 'hi' }, optin: { type: 'one_time_notif_req', payload: 'p', one_time_notif_token: 'otn-clear-2' } };
    const { event, sealed } = sealOptinTokens(both, seal);
    expect(JSON.stringify(event)).not.toContain('otn-clear-2');
    expect(cipher.open(sealed!.oneTimeNotifToken)).toBe('otn-clear-2');
  });

  it('passes other events through unchanged', () => {
    const read = { read: { watermark: 1 } };
    expect(sealOptinTokens(read, seal)).toEqual({ event: read });
    expect(sealOptinTokens({ optin: { ref: 'plugin' } }, seal)).toEqual({ event: { optin: { ref: 'plugin' } } });
  });
});

describe('sealTokensDeep', () => {
  it('seals tokens at any depth, keeps everything else', () => {
    const body = { object: 'x', entry: [{ a: { one_time_notif_token: 'deep-clear' }, n: [1, null, 'z'], m: { notification_messages_token: 'mm-deep-clear' } }] };
    const result = sealTokensDeep(body, seal) as typeof body;
    expect(JSON.stringify(result)).not.toContain('deep-clear');
    expect(cipher.open(result.entry[0]!.m.notification_messages_token)).toBe('mm-deep-clear');
    expect(cipher.open(result.entry[0]!.a.one_time_notif_token)).toBe('deep-clear');
    expect(result.entry[0]!.n).toEqual([1, null, 'z']);
  });

  it('keeps a "__proto__" key as data', () => {
    const body = JSON.parse('{"__proto__":{"polluted":true},"k":1}') as object;
    const result = sealTokensDeep(body, seal) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(JSON.stringify(result)).toBe('{"__proto__":{"polluted":true},"k":1}');
  });
});
