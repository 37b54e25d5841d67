import { ErrorCode, isRetryableGraphAnswer } from '@app/contracts';
import type { DomainError } from '@app/platform';
import { withDetails } from '../../core/errors.js';

/**
 * What a failed delivery means for the token:
 * - `transient`: Meta (or the path to it) failed for now: keep the token reserved and retry;
 * - `token-spent`: Meta refused the send: §3 says treat the token as consumed/invalid;
 * - `not-sent`: refused before reaching Meta (ownership, unknown Page …): the token is untouched.
 *
 * Whether Meta answered is read from the details (Meta's own `code`), not from our error code:
 * thread-ownership turns Meta's window refusal into OUTSIDE_MESSAGING_WINDOW and an unreachable
 * user into USER_UNAVAILABLE, and a token handed back after such a refusal would be offered first
 * (oldest first) by every later notify, failing each time.
 */
export type DeliveryFailure = 'transient' | 'token-spent' | 'not-sent';

/** No answer or an unknown failure on our side: the message may not have gone out. */
const TRANSIENT_CODES = new Set<string>([ErrorCode.GraphUnavailable, ErrorCode.Timeout, ErrorCode.Unavailable, ErrorCode.Internal]);
/** Outcomes where the send may have reached Meta even though we saw an error. */
const AMBIGUOUS_CODES = new Set<string>([ErrorCode.Timeout, ErrorCode.Internal]);

/**
 * Meta refused for a reason that is not the token: another app holds the thread (the token waits
 * for the thread to come back) or the Page's own token is dead (the request never got that far).
 */
const TOKEN_NOT_REACHED = new Set<string>([ErrorCode.NotThreadOwner, ErrorCode.PageNeedsReauth]);

export function classifyDeliveryFailure(error: Pick<DomainError, 'code' | 'details'>): DeliveryFailure {
  if (TRANSIENT_CODES.has(error.code)) return 'transient';
  const metaAnswered = typeof error.details?.code === 'number';
  if (error.code === ErrorCode.GraphError || (metaAnswered && !TOKEN_NOT_REACHED.has(error.code))) {
    return isRetryableGraphAnswer(error.details ?? {}) ? 'transient' : 'token-spent';
  }
  return 'not-sent';
}

/** The send may have gone out: no answer from thread-ownership, or none from Meta to it (`details.ambiguous`). */
export const isAmbiguousFailure = (error: Pick<DomainError, 'code' | 'details'> | undefined): boolean =>
  error !== undefined && (AMBIGUOUS_CODES.has(error.code) || error.details?.ambiguous === true);

/** A final refusal, told apart when an earlier attempt may have gone out: the bot decides what that means. */
export function flaggedIfAmbiguous(error: DomainError, sendId: string, ambiguous: boolean | undefined): DomainError {
  return ambiguous ? withDetails(error, { sendId, previousAttemptAmbiguous: true }) : error;
}

/** Exponential backoff with full jitter in [delay/2, delay]: replicas retrying together spread out. */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
