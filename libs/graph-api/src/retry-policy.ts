import type { GraphApiError } from './graph-api.error.js';

/** One "never retry" rule; an omitted field matches anything. */
interface Rule {
  code?: number;
  subcode?: number;
}

/**
 * Never retried, whatever `is_transient` or the HTTP status say: repeating the call cannot
 * change the answer, and for some (abuse, blocked users) repeating it makes things worse (§5.6).
 */
const NEVER_RETRY: readonly Rule[] = [
  { code: 10, subcode: 2018278 }, // sent outside the allowed window
  { code: 10, subcode: 2018300 }, // another app controls the thread
  { code: 100, subcode: 2018001 }, // no matching user
  { code: 551 }, // this person isn't available right now (any subcode)
  { code: 1545041 }, // same, or "messaging window closed" in the 2026 guide
  { subcode: 1545041 }, // 200/1545041, 551/1545041
  { code: 190 }, // invalid or expired token: re-authorise instead
  { code: 613, subcode: 2018338 }, // tag overuse (abuse)
  { code: 613, subcode: 1893016 }, // duplicate opt-in request
  { code: 1, subcode: 1357046 }, // unknown reply: may have been delivered; a blind resend could duplicate it
];

/** Meta's "try again later" codes (§5.6): temporary send failure, unexpected error, app and Send API rate limits. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1200, 2, 4, 613]);

const matches = (rule: Rule, error: GraphApiError): boolean =>
  (rule.code === undefined || rule.code === error.code) && (rule.subcode === undefined || rule.subcode === error.subcode);

/** Meta's retry guidance: only transient codes, `is_transient: true`, 5xx and network failures. */
export function isRetryable(error: GraphApiError): boolean {
  if (NEVER_RETRY.some((rule) => matches(rule, error))) return false;
  if (error.status === 0 || error.status >= 500) return true;
  return error.isTransient || TRANSIENT_CODES.has(error.code);
}

export interface BackoffOptions {
  /** Upper bound of the first retry's wait. */
  baseDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs: number;
}

/**
 * Exponential backoff with jitter: retry n (1-based) waits between half and all of
 * `base · 2^(n-1)` (capped), so waits grow for sure while callers that failed together spread out.
 */
export function backoffDelayMs(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return cap / 2 + random() * (cap / 2);
}
