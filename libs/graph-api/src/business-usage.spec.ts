import { describe, expect, it } from 'vitest';
import { parseBusinessUseCaseUsage, throttledUntil } from './business-usage.js';

const header = (entries: Record<string, unknown>) => JSON.stringify(entries);

describe('X-Business-Use-Case-Usage', () => {
  it('parses every entry of every business object', () => {
    const usages = parseBusinessUseCaseUsage(
      header({
        '1001': [{ type: 'messenger', call_count: 28, total_time: 25, total_cputime: 12, estimated_time_to_regain_access: 0 }],
        '2002': [
          { type: 'pages', call_count: '100', total_time: 5, total_cputime: 5, estimated_time_to_regain_access: '3' },
          { type: 'messenger', call_count: 1, total_time: 1, total_cputime: 1 },
        ],
      }),
    );
    expect(usages).toEqual([
      { id: '1001', type: 'messenger', callCount: 28, totalTime: 25, totalCputime: 12, estimatedTimeToRegainAccess: 0 },
      { id: '2002', type: 'pages', callCount: 100, totalTime: 5, totalCputime: 5, estimatedTimeToRegainAccess: 3 },
      { id: '2002', type: 'messenger', callCount: 1, totalTime: 1, totalCputime: 1, estimatedTimeToRegainAccess: 0 },
    ]);
  });

  it('treats a missing or malformed header as no usage', () => {
    for (const raw of [undefined, null, '', 'not json', '[]', '42', 'null', header({ '1': 'nonsense' })]) {
      expect(parseBusinessUseCaseUsage(raw)).toEqual([]);
    }
  });

  const usage = (callCount: number, totalTime: number, totalCputime: number, regain: number) => ({
    id: '1',
    type: 'messenger',
    callCount,
    totalTime,
    totalCputime,
    estimatedTimeToRegainAccess: regain,
  });
  const NOW = 1_000_000;

  it('does not throttle below 100 % without a regain time', () => {
    expect(throttledUntil(usage(99, 99, 99, 0), NOW, 60_000)).toBeUndefined();
  });

  it('pauses for minPauseMs when any of call_count, total_time, total_cputime reaches 100', () => {
    expect(throttledUntil(usage(100, 0, 0, 0), NOW, 60_000)).toBe(NOW + 60_000);
    expect(throttledUntil(usage(0, 120, 0, 0), NOW, 60_000)).toBe(NOW + 60_000);
    expect(throttledUntil(usage(0, 0, 100, 0), NOW, 5_000)).toBe(NOW + 5_000);
  });

  it('pauses until Meta says access comes back (minutes)', () => {
    expect(throttledUntil(usage(10, 10, 10, 3), NOW, 60_000)).toBe(NOW + 3 * 60_000);
    expect(throttledUntil(usage(100, 10, 10, 5), NOW, 60_000)).toBe(NOW + 5 * 60_000);
  });
});
