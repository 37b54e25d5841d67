import { OTN_TITLE_MAX_LENGTH, type OutgoingMessage } from '@app/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Meta: a token "expires within 1 year of creation" (§3) without saying how a year is counted.
 * 365 days is never later than a calendar year, so we stop using a token before Meta would.
 */
export const TOKEN_LIFETIME_MS = 365 * DAY_MS;

export const tokenExpiresAt = (createdAt: Date): Date => new Date(createdAt.getTime() + TOKEN_LIFETIME_MS);

/** A token may be spent strictly before its expiry instant; at the instant itself it is gone. */
export const isTokenUsable = (expiresAt: Date, now: Date): boolean => expiresAt.getTime() > now.getTime();

/** Meta counts characters; code points (not UTF-16 units) so an emoji counts once. */
export const titleLength = (title: string): number => [...title].length;
export const isTitleTooLong = (title: string): boolean => titleLength(title) > OTN_TITLE_MAX_LENGTH;

export type ThrottleDecision = { throttled: false } | { throttled: true; retryAfter: Date };

/** The user was asked about this topic at `lastAskedAt`; may we ask again at `now`? */
export function throttleDecision(lastAskedAt: Date | null, now: Date, throttleMs: number): ThrottleDecision {
  if (lastAskedAt === null || throttleMs <= 0) return { throttled: false };
  const retryAfter = new Date(lastAskedAt.getTime() + throttleMs);
  return now.getTime() < retryAfter.getTime() ? { throttled: true, retryAfter } : { throttled: false };
}

/** The `one_time_notif_req` template (§3): only title and payload are ours; the topic rides as payload. */
export function optInTemplate(title: string, topic: string): OutgoingMessage {
  return {
    attachment: {
      type: 'template',
      payload: { template_type: 'one_time_notif_req', title, payload: topic },
    },
  };
}
