/** Header Meta adds to calls counted against a business object (a Page for the Send API, §5.5). */
export const BUSINESS_USE_CASE_USAGE_HEADER = 'x-business-use-case-usage';

/** One entry of `X-Business-Use-Case-Usage`; the percentages are of the rolling allowance. */
export interface BusinessUseCaseUsage {
  /** The business object the usage is about (the Page id for Messenger). */
  id: string;
  type: string | undefined;
  callCount: number;
  totalTime: number;
  totalCputime: number;
  /** Minutes until calls are accepted again; 0 when not throttled. */
  estimatedTimeToRegainAccess: number;
}

const toNumber = (value: unknown): number => {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : 0;
};

function toUsage(id: string, raw: unknown): BusinessUseCaseUsage | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const entry = raw as Record<string, unknown>;
  return {
    id,
    type: typeof entry.type === 'string' ? entry.type : undefined,
    callCount: toNumber(entry.call_count),
    totalTime: toNumber(entry.total_time),
    totalCputime: toNumber(entry.total_cputime),
    estimatedTimeToRegainAccess: toNumber(entry.estimated_time_to_regain_access),
  };
}

/**
 * Parses `{"<id>":[{"type":"messenger","call_count":28,"total_time":25,"total_cputime":25,
 * "estimated_time_to_regain_access":0}]}`. A missing or malformed header is no usage at all:
 * throttling must never break a call.
 */
export function parseBusinessUseCaseUsage(header: string | null | undefined): BusinessUseCaseUsage[] {
  if (!header) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return [];
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
  return Object.entries(parsed as Record<string, unknown>).flatMap(([id, entries]) =>
    (Array.isArray(entries) ? entries : [entries]).map((entry) => toUsage(id, entry)).filter((usage) => usage !== undefined),
  );
}

/**
 * Until when calls for this entry should stop (ms since epoch), or undefined when they may go on.
 * Meta's regain estimate wins; at 100 % without an estimate, `minPauseMs` is the pause.
 */
export function throttledUntil(usage: BusinessUseCaseUsage, nowMs: number, minPauseMs: number): number | undefined {
  const regainMs = usage.estimatedTimeToRegainAccess * 60_000;
  const exhausted = Math.max(usage.callCount, usage.totalTime, usage.totalCputime) >= 100;
  if (regainMs > 0) return nowMs + Math.max(regainMs, exhausted ? minPauseMs : 0);
  return exhausted ? nowMs + minPauseMs : undefined;
}
