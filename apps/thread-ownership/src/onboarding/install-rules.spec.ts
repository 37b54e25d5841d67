import { ErrorCode } from '@app/contracts';
import type { ManagedPage } from '@app/graph-api';
import { DomainError } from '@app/platform';
import { describe, expect, it } from 'vitest';
import { checkPageToken, parsePageList, selectPages } from './install-rules.js';
import { readStateCookie, STATE_COOKIE, stateCookie } from './state-cookie.js';

const page = (id: string, tasks?: string[]): ManagedPage => ({ id, name: `Page ${id}`, access_token: `tok-${id}`, tasks });
const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
};

describe('selectPages', () => {
  const managed = [page('1', ['MESSAGING', 'MODERATE']), page('2', ['ANALYZE']), page('3')];

  it('takes every Page the user may message for when none was requested', () => {
    expect(selectPages(managed, []).map((p) => p.id)).toEqual(['1', '3']);
  });

  it('takes exactly the requested Pages', () => {
    expect(selectPages(managed, ['3', '1']).map((p) => p.id)).toEqual(['3', '1']);
  });

  it('refuses a requested Page the user does not manage (or did not share)', () => {
    expect(codeOf(() => selectPages(managed, ['1', '9']))).toBe(ErrorCode.PageNotManaged);
  });

  it('refuses a requested Page without the MESSAGING task, and a login with no usable Page', () => {
    expect(codeOf(() => selectPages(managed, ['2']))).toBe(ErrorCode.PermissionDenied);
    expect(codeOf(() => selectPages([page('2', ['ANALYZE'])], []))).toBe(ErrorCode.PermissionDenied);
    expect(codeOf(() => selectPages([], []))).toBe(ErrorCode.PermissionDenied);
  });
});

describe('checkPageToken', () => {
  const info = { app_id: '100', is_valid: true, scopes: ['pages_messaging', 'pages_show_list'] };

  it('accepts a valid token of our app with pages_messaging', () => {
    expect(codeOf(() => checkPageToken('1', info, '100'))).toBeUndefined();
  });

  it('refuses an invalid token, another app’s token, or missing pages_messaging', () => {
    expect(codeOf(() => checkPageToken('1', { ...info, is_valid: false }, '100'))).toBe(ErrorCode.PermissionDenied);
    expect(codeOf(() => checkPageToken('1', { ...info, app_id: '999' }, '100'))).toBe(ErrorCode.PermissionDenied);
    expect(codeOf(() => checkPageToken('1', { ...info, scopes: ['pages_show_list'] }, '100'))).toBe(ErrorCode.PermissionDenied);
  });
});

describe('parsePageList and the state cookie', () => {
  it('merges page_id and pages, trimmed and de-duplicated', () => {
    expect(parsePageList('1', ' 2, 1,,3 ')).toEqual(['1', '2', '3']);
    expect(parsePageList(undefined, undefined)).toEqual([]);
  });

  it('writes an HttpOnly, SameSite=Lax cookie scoped to /onboarding and reads it back', () => {
    const cookie = stateCookie('abc', 600_000, true);
    expect(cookie).toBe(`${STATE_COOKIE}=abc; Path=/onboarding; Max-Age=600; HttpOnly; SameSite=Lax; Secure`);
    expect(stateCookie('abc', 600_000, false)).not.toContain('Secure');
    expect(readStateCookie(`a=1; ${STATE_COOKIE}=abc; b=2`)).toBe('abc');
    expect(readStateCookie('a=1')).toBeUndefined();
    expect(readStateCookie(undefined)).toBeUndefined();
  });
});
