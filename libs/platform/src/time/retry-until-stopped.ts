import { setTimeout as sleep } from 'node:timers/promises';

const FIRST_DELAY_MS = 200;
const MAX_DELAY_MS = 10_000;

/**
 * Runs `attempt` until it succeeds or `stop` aborts, waiting 200 ms, 400 ms, … up to 10 s between
 * failures: for work that must be done in its turn before anything after it (a single reader's
 * message or batch). Resolves with the attempt's result, or undefined once stopped; `onRetry`
 * hears each failure that is tried again, with the wait before the next try.
 */
export async function retryUntilStopped<T>(stop: AbortSignal, attempt: () => Promise<T>, onRetry: (error: unknown, delayMs: number) => void): Promise<T | undefined> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (stop.aborted) return undefined;
      const delayMs = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(tries - 1, 10));
      onRetry(error, delayMs);
      await sleep(delayMs);
      if (stop.aborted) return undefined;
    }
  }
}
