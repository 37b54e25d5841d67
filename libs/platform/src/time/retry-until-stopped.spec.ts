import { describe, expect, it } from 'vitest';
import { retryUntilStopped } from './retry-until-stopped.js';

describe('retryUntilStopped', () => {
  it('tries again after each failure, waiting twice as long each time, until it succeeds', async () => {
    let calls = 0;
    const waits: number[] = [];
    const result = await retryUntilStopped(new AbortController().signal, async () => (++calls < 3 ? Promise.reject(new Error(`fail ${calls}`)) : 'done'), (_e, delayMs) => waits.push(delayMs));
    expect(result).toBe('done');
    expect(waits).toEqual([200, 400]);
  });

  it('gives up with undefined once stopped, without trying again', async () => {
    const stop = new AbortController();
    let calls = 0;
    const result = await retryUntilStopped(stop.signal, async () => {
      calls++;
      stop.abort();
      throw new Error('database away');
    }, () => undefined);
    expect(result).toBeUndefined();
    expect(calls).toBe(1);
  });
});
