import { describe, expect, it } from 'vitest';
import { checkInvite, signInvite } from './onboarding-invite.js';

const TOKEN = 'admin-token-0123456789';
const codeOf = (fn: () => void) => {
  try {
    fn();
    return 'valid';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('onboarding invites', () => {
  it('accepts its own invite until it expires', () => {
    const invite = signInvite(TOKEN, 2000);
    expect(codeOf(() => checkInvite(TOKEN, invite, 1999))).toBe('valid');
    expect(codeOf(() => checkInvite(TOKEN, invite, 2000))).toBe('ONBOARDING_INVITE_INVALID');
  });

  it('refuses a missing, forged, altered or foreign invite', () => {
    const invite = signInvite(TOKEN, 2000);
    for (const bad of [undefined, '', 'v1', 'v1.2000.', invite.replace('v1.2000', 'v1.9999'), `${invite}x`, signInvite('another-admin-token-xyz', 2000), invite.replace('v1', 'v2')]) {
      expect(codeOf(() => checkInvite(TOKEN, bad, 0)), String(bad)).toBe('ONBOARDING_INVITE_INVALID');
    }
  });
});
