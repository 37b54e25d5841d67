import { describe, expect, it } from 'vitest';
import { formatAgo, formatDuration, formatTime } from './format.js';

describe('formatting', () => {
  it('formats durations to the minute', () => {
    expect(formatDuration(59_999)).toBe('<1m');
    expect(formatDuration(12 * 60_000 + 5_000)).toBe('12m');
    expect(formatDuration(24 * 3_600_000 - 60_000)).toBe('23h 59m');
    expect(formatDuration(7 * 24 * 3_600_000 - 3_600_000)).toBe('6d 23h');
  });

  it('formats elapsed time and timestamps', () => {
    const now = new Date('2026-11-25T12:00:00.000Z');
    expect(formatAgo(new Date('2026-11-25T11:59:30.000Z'), now)).toBe('just now');
    expect(formatAgo(new Date('2026-11-25T09:30:00.000Z'), now)).toBe('2h 30m ago');
    expect(formatTime('2026-11-25T12:34:56.789Z')).toBe('2026-11-25 12:34:56 UTC');
    expect(formatTime(null)).toBe('—');
  });
});
