/** Nearest-rank percentile of an ascending array (p in 0..100); NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export function summarize(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / (sorted.length || 1);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.at(-1) ?? Number.NaN,
    mean,
  };
}

export const fmtMs = (ms: number) => (Number.isNaN(ms) ? '-' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

/**
 * Latency summaries per consecutive window of `widthMs` from `startMs` to `startMs + durationMs`
 * (empty windows included): `at[i]` is when `latencies[i]` was observed.
 */
export function summarizeWindows(latencies: number[], at: number[], startMs: number, durationMs: number, widthMs: number): LatencySummary[] {
  const windows: number[][] = Array.from({ length: Math.ceil(durationMs / widthMs) }, () => []);
  latencies.forEach((value, i) => windows[Math.floor((at[i] - startMs) / widthMs)]?.push(value));
  return windows.map(summarize);
}
