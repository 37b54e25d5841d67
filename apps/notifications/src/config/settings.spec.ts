import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../otn/notify/delivery-outcome.js';
import { inlineLeaseMs } from './settings.js';

describe('inlineLeaseMs', () => {
  it('outlasts the longest inline run: every attempt at the RPC timeout, every backoff at its ceiling', () => {
    for (const inlineAttempts of [1, 2, 3, 5, 10]) {
      const retry = { inlineAttempts, baseDelayMs: 1000, maxDelayMs: 60_000 };
      let longest = inlineAttempts * 10_000;
      for (let attempt = 1; attempt < inlineAttempts; attempt++) longest += backoffDelayMs(attempt, retry.baseDelayMs, retry.maxDelayMs, () => 1);
      expect(inlineLeaseMs(retry, 10_000)).toBeGreaterThan(longest);
    }
  });

  it('caps each backoff at the maximum delay', () => {
    expect(inlineLeaseMs({ inlineAttempts: 3, baseDelayMs: 1000, maxDelayMs: 1500 }, 0)).toBe(10_000 + 1000 + 1500);
  });
});
