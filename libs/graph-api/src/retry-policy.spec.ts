import { describe, expect, it } from 'vitest';
import { GraphApiError } from './graph-api.error.js';
import { backoffDelayMs, isRetryable } from './retry-policy.js';

interface Case {
  code: number;
  subcode?: number;
  status?: number;
  transient?: boolean;
}
const error = ({ code, subcode, status = 400, transient = false }: Case) => new GraphApiError(status, code, subcode, transient, 'trace', 'x');
const label = (c: Case) => `${c.code}${c.subcode ? `/${c.subcode}` : ''} (HTTP ${c.status ?? 400}${c.transient ? ', is_transient' : ''})`;

describe('isRetryable: Meta retry guidance (§5.6)', () => {
  const retried: Case[] = [
    { code: 1200 },
    { code: 2 },
    { code: 2, status: 500, transient: true },
    { code: 4 },
    { code: 4, subcode: 2018022 },
    { code: 613 },
    { code: 613, subcode: 2534040 },
    { code: 9999, transient: true }, // any code Meta flags transient
    { code: 1, status: 500, transient: true },
    { code: 0, status: 500 }, // 5xx without an envelope
    { code: 0, status: 503 },
    { code: 0, status: 0, transient: true }, // network failure / timeout
  ];
  it.each(retried.map((c) => [label(c), c] as const))('retries %s', (_name, c) => {
    expect(isRetryable(error(c))).toBe(true);
  });

  const neverRetried: Case[] = [
    { code: 10, subcode: 2018278 },
    { code: 551 },
    { code: 551, subcode: 1545041 },
    { code: 200, subcode: 1545041 },
    { code: 1545041 },
    { code: 100, subcode: 2018001 },
    { code: 190 },
    { code: 190, subcode: 460 },
    { code: 10, subcode: 2018300 },
    { code: 613, subcode: 2018338 },
    { code: 613, subcode: 1893016 },
    { code: 1, subcode: 1357046 },
    { code: 100 },
    { code: 10 },
    { code: 200 },
    { code: 100, subcode: 2534037 },
  ];
  it.each(neverRetried.map((c) => [label(c), c] as const))('never retries %s', (_name, c) => {
    expect(isRetryable(error(c))).toBe(false);
  });

  // The "never" list wins over the transient flag and the HTTP status: retrying cannot change the answer.
  const neverEvenIfTransient: Case[] = [
    { code: 190, transient: true },
    { code: 190, status: 500 },
    { code: 10, subcode: 2018300, status: 500, transient: true },
    { code: 10, subcode: 2018278, transient: true },
    { code: 613, subcode: 2018338, transient: true },
    { code: 613, subcode: 1893016, status: 503 },
    { code: 551, transient: true },
    { code: 200, subcode: 1545041, status: 500 },
    { code: 100, subcode: 2018001, transient: true },
  ];
  it.each(neverEvenIfTransient.map((c) => [label(c), c] as const))('never retries %s even when flagged transient or 5xx', (_name, c) => {
    expect(isRetryable(error(c))).toBe(false);
  });
});

describe('backoffDelayMs: exponential with jitter', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000 };

  it('waits between half and all of base·2^(n-1)', () => {
    expect([1, 2, 3].map((n) => backoffDelayMs(n, options, () => 0))).toEqual([50, 100, 200]);
    expect([1, 2, 3].map((n) => backoffDelayMs(n, options, () => 1))).toEqual([100, 200, 400]);
  });

  it('is capped by maxDelayMs', () => {
    expect(backoffDelayMs(10, options, () => 1)).toBe(1000);
    expect(backoffDelayMs(10, options, () => 0)).toBe(500);
  });

  it('is jittered: different random draws give different waits', () => {
    const waits = new Set(Array.from({ length: 20 }, () => backoffDelayMs(3, options)));
    expect(waits.size).toBeGreaterThan(1);
    for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(200), expect(wait).toBeLessThanOrEqual(400);
  });
});
