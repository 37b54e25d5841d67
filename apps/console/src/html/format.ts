const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A time left or elapsed, to the minute: "6d 23h", "23h 59m", "12m", "<1m". */
export function formatDuration(ms: number): string {
  if (ms < MINUTE) return '<1m';
  if (ms >= DAY) return `${Math.floor(ms / DAY)}d ${Math.floor((ms % DAY) / HOUR)}h`;
  if (ms >= HOUR) return `${Math.floor(ms / HOUR)}h ${Math.floor((ms % HOUR) / MINUTE)}m`;
  return `${Math.floor(ms / MINUTE)}m`;
}

/** "just now", "5m ago", "3h 2m ago", "2d 1h ago". */
export function formatAgo(at: Date, now: Date): string {
  const ms = now.getTime() - at.getTime();
  if (ms < MINUTE) return 'just now';
  return `${formatDuration(ms)} ago`;
}

/** A fixed, unambiguous timestamp: `2026-11-25 12:34:56 UTC`. */
export function formatTime(at: Date | string | null | undefined): string {
  if (at === null || at === undefined) return '—';
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) return '—';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
