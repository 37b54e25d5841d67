import { createHmac, timingSafeEqual } from 'node:crypto';
import { ErrorCode } from '@app/contracts';
import { DomainError } from '@app/platform';

/** How long an invite may be valid: a link an admin hands to a Page admin, not a standing door. */
export const MAX_INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_INVITE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Starting an install is a browser link, so it cannot carry the admin token; without anything,
 * anyone who manages a Facebook Page could connect it to this suite. An invite is the admin's
 * signature on an expiry (`v1.<expiresAtMs>.<HMAC-SHA256>`), keyed by the admin token: only the
 * admin API makes them, and they stop working at expiry or when the admin token changes.
 */
export function signInvite(adminToken: string, expiresAtMs: number): string {
  return `v1.${expiresAtMs}.${mac(adminToken, expiresAtMs)}`;
}

/** Throws ONBOARDING_INVITE_INVALID unless `invite` is this installation's and not expired. */
export function checkInvite(adminToken: string, invite: string | undefined, nowMs: number): void {
  const [version, expires, signature] = (invite ?? '').split('.');
  const expiresAtMs = Number(expires);
  const expected = Buffer.from(Number.isSafeInteger(expiresAtMs) ? mac(adminToken, expiresAtMs) : '');
  const given = Buffer.from(signature ?? '');
  const genuine = version === 'v1' && expected.length > 0 && given.length === expected.length && timingSafeEqual(given, expected);
  if (!genuine) throw new DomainError(ErrorCode.OnboardingInviteInvalid, 'an install starts from an invite link made with the admin API (POST /onboarding/invites)');
  if (expiresAtMs <= nowMs) throw new DomainError(ErrorCode.OnboardingInviteInvalid, 'this invite link has expired: ask for a new one');
}

function mac(adminToken: string, expiresAtMs: number): string {
  return createHmac('sha256', adminToken).update(`onboarding-invite:v1:${expiresAtMs}`).digest('base64url');
}
