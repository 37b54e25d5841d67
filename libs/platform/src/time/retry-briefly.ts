import { setTimeout as sleep } from 'node:timers/promises';

/** About 3 s in all: what a PostgreSQL restart or failover takes, not an outage. */
export const BRIEF_RETRY_DELAYS_MS: readonly number[] = [100, 250, 500, 1000, 1500];

/**
 * Runs `attempt` until it succeeds, waiting `delaysMs` between tries, for a write that must not be
 * lost to a moment of trouble (it must be safe to repeat). Rethrows the last failure; `onRetry`
 * hears each failure that is tried again (1-based try number).
 */
export async function retryBriefly<T>(attempt: () => Promise<T>, onRetry: (error: unknown, tries: number) => void, delaysMs = BRIEF_RETRY_DELAYS_MS): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const delayMs = delaysMs[tries - 1];
      if (delayMs === undefined) throw error;
      onRetry(error, tries);
      await sleep(delayMs);
    }
  }
}
