import { createHmac, timingSafeEqual } from 'node:crypto';
import { ErrorCode } from '@app/contracts';
import { DomainError } from '@app/platform';

/** How long an invite may be valid: a link an admin hands to a Page admin, not a standing door. */
export const MAX_INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_INVITE_TTL_MS = 24 * 60 * 60 * 1000;

const invalid = (message: string) => new DomainError(ErrorCode.OnboardingInviteInvalid, message);

/**
 * Starting an install is a browser link, so it cannot carry the admin token; without anything,
 * anyone who manages a Facebook Page could connect it to this suite. An invite is the admin's
 * signature on an expiry and on the Pages it is for (`v2.<expiresAtMs>.<pageIds,…>.<HMAC-SHA256>`,
 * no Page ids: any Page the user manages), keyed by the admin token: only the admin API makes
 * them, a Page admin cannot widen them, and they stop working at expiry or when the admin token
 * changes. (v1 invites signed the expiry only; they are refused: the admin makes a new one.)
 */
export function signInvite(adminToken: string, expiresAtMs: number, pageIds: string[] = []): string {
  const pages = canonicalPages(pageIds);
  return `v2.${expiresAtMs}.${pages}.${mac(adminToken, expiresAtMs, pages)}`;
}

/**
 * The Pages the invite is for ([]: any the user manages). Throws ONBOARDING_INVITE_INVALID unless
 * `invite` is this installation's and not expired.
 */
export function checkInvite(adminToken: string, invite: string | undefined, nowMs: number): string[] {
  const [version, expires, pages, signature, ...rest] = (invite ?? '').split('.');
  const expiresAtMs = Number(expires);
  const wellFormed = version === 'v2' && rest.length === 0 && Number.isSafeInteger(expiresAtMs) && pages !== undefined && /^[0-9,]*$/.test(pages);
  const expected = Buffer.from(wellFormed ? mac(adminToken, expiresAtMs, pages) : '');
  const given = Buffer.from(signature ?? '');
  const genuine = wellFormed && expected.length > 0 && given.length === expected.length && timingSafeEqual(given, expected);
  if (!genuine) throw invalid('an install starts from an invite link made with the admin API (POST /onboarding/invites)');
  if (expiresAtMs <= nowMs) throw invalid('this invite link has expired: ask for a new one');
  return pages === '' ? [] : pages.split(',');
}

/**
 * The Pages to install: those the link asks for (`page_id` / `pages`), within the invite's; none
 * asked for, all of the invite's. An invite for any Page takes what the link asks for.
 */
export function pagesWithinInvite(requested: string[], invited: string[]): string[] {
  if (invited.length === 0) return requested;
  if (requested.length === 0) return invited;
  const outside = requested.filter((id) => !invited.includes(id));
  if (outside.length > 0) throw invalid(`this invite is for page${invited.length > 1 ? 's' : ''} ${invited.join(', ')} only, not ${outside.join(', ')}`);
  return requested;
}

const canonicalPages = (pageIds: string[]): string => [...new Set(pageIds)].sort().join(',');

function mac(adminToken: string, expiresAtMs: number, pages: string): string {
  return createHmac('sha256', adminToken).update(`onboarding-invite:v2:${expiresAtMs}:${pages}`).digest('base64url');
}
