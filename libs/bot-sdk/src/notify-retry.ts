import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, RpcError } from '@app/contracts';

export interface RetryPolicy {
  /** Calls in all, the first one included. */
  attempts: number;
  /** Pause before each retry; the last one is used again when there are more retries. */
  delaysMs: number[];
}

/** With the SDK's 5 s timeout, a notify gives up after about 16 s: a restarting replica is back by then. */
export const NOTIFY_RETRY: RetryPolicy = { attempts: 3, delaysMs: [250, 1000] };

/** Answers that say nothing about the outcome: the reply was lost, or no replica is listening (yet). */
const UNKNOWN_OUTCOME = new Set<string>([ErrorCode.Timeout, ErrorCode.Unavailable]);

/**
 * Retries a call that is safe to repeat (it carries an idempotency key). Not when the suite
 * says it keeps retrying the send itself (`details.retrying`): asking again changes nothing.
 */
export async function withRetries<T>(call: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !isUnknownOutcome(error)) throw error;
      await sleep(policy.delaysMs[Math.min(attempt, policy.delaysMs.length) - 1] ?? 0);
    }
  }
}

const isUnknownOutcome = (error: unknown): boolean =>
  error instanceof RpcError && UNKNOWN_OUTCOME.has(error.code) && error.details?.retrying === undefined;
