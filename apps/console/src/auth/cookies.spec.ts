import { describe, expect, it } from 'vitest';
import { readCookie, secureFor, serializeCookie } from './cookies.js';

describe('cookies', () => {
  it('reads one cookie among several', () => {
    expect(readCookie('a=1; mho_console_session=v1.2.3.4; b=2', 'mho_console_session')).toBe('v1.2.3.4');
    expect(readCookie('xmho_console_session=nope', 'mho_console_session')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });

  it('writes an HttpOnly, SameSite=Strict cookie, Secure when asked', () => {
    expect(serializeCookie('s', 'v', { maxAgeSeconds: 60, secure: false })).toBe('s=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(serializeCookie('s', '', { maxAgeSeconds: 0, secure: true })).toBe('s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure');
  });

  it('is Secure per the setting, or with auto when the request came over HTTPS', () => {
    expect(secureFor('auto', 'https')).toBe(true);
    expect(secureFor('auto', 'http')).toBe(false);
    expect(secureFor(true, 'http')).toBe(true);
    expect(secureFor(false, 'https')).toBe(false);
  });
});
