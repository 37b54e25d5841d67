import { describe, expect, it } from 'vitest';
import { checkInvite, pagesWithinInvite, signInvite } from './onboarding-invite.js';

const TOKEN = 'admin-token-0123456789';
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'valid';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('onboarding invites', () => {
  it('accepts its own invite until it expires, and gives back the Pages it is for', () => {
    const invite = signInvite(TOKEN, 2000, ['22', '11', '22']);
    expect(checkInvite(TOKEN, invite, 1999)).toEqual(['11', '22']);
    expect(checkInvite(TOKEN, signInvite(TOKEN, 2000), 1999)).toEqual([]);
    expect(codeOf(() => checkInvite(TOKEN, invite, 2000))).toBe('ONBOARDING_INVITE_INVALID');
  });

  it('refuses a missing, forged, altered, widened, foreign or old-format invite', () => {
    const invite = signInvite(TOKEN, 2000, ['11']);
    const [, , , mac] = invite.split('.');
    for (const bad of [
      undefined,
      '',
      'v2',
      'v2.2000..',
      invite.replace('v2.2000', 'v2.9999'),
      `v2.2000..${mac}`, // the Page list removed: any Page
      `v2.2000.11,12.${mac}`, // a Page added
      `${invite}x`,
      `${invite}.x`,
      signInvite('another-admin-token-xyz', 2000, ['11']),
      invite.replace('v2', 'v1'),
      `v1.2000.${mac}`,
    ]) {
      expect(codeOf(() => checkInvite(TOKEN, bad, 0)), String(bad)).toBe('ONBOARDING_INVITE_INVALID');
    }
  });

  it("lets a link narrow an invite's Pages, never widen them", () => {
    expect(pagesWithinInvite([], ['11', '22'])).toEqual(['11', '22']);
    expect(pagesWithinInvite(['22'], ['11', '22'])).toEqual(['22']);
    expect(codeOf(() => pagesWithinInvite(['22', '33'], ['11', '22']))).toBe('ONBOARDING_INVITE_INVALID');
    expect(pagesWithinInvite(['33'], [])).toEqual(['33']);
  });
});
