import { Counter, register, type Metric } from 'prom-client';

/**
 * Counts and durations recorded per webhook event are kept in plain numbers and handed to
 * Prometheus only when /metrics is read. prom-client checks and hashes the labels on every
 * `inc`/`observe` (0.5–1 µs each, several per event: a few per cent of the ingress' CPU per
 * event). The text at /metrics is the same as prom-client's (metric-tallies.spec.ts compares
 * them). Tallies live in the module, like the metrics in prom-client's registry, so several
 * app instances in one process (tests) count into the same series.
 */

type Labels<L extends string> = Record<L, string>;
type PendingCounts = Map<string, { labels: Labels<string>; count: number }>;

/** Per counter name: the one prom-client counter flushes the tallies of every instance. */
const pendingByCounter = new Map<string, PendingCounts>();

/**
 * A prom-client Counter whose hot-path increments are tallied first and added to it by its
 * `collect` hook, which prom-client runs before every read of the counter.
 */
export class CounterTally<L extends string> {
  private readonly pending: PendingCounts;
  readonly counter: Counter<L>;

  constructor(config: { name: string; help: string; labelNames: readonly L[] }) {
    let pending = pendingByCounter.get(config.name);
    if (!pending) pendingByCounter.set(config.name, (pending = new Map()));
    this.pending = pending;
    this.counter =
      (register.getSingleMetric(config.name) as Counter<L> | undefined) ??
      new Counter<L>({
        ...config,
        collect(this: Counter<L>) {
          for (const series of pending.values()) {
            if (series.count > 0) this.inc(series.labels as Labels<L>, series.count);
            series.count = 0;
          }
        },
      });
  }

  /** `key` identifies the label values (e.g. `message/messaging`); `labels` is only read the first time. */
  inc(key: string, labels: Labels<L>): void {
    const series = this.pending.get(key);
    if (series) series.count++;
    else this.pending.set(key, { labels, count: 1 });
  }
}

interface Series {
  /** Per bucket (not cumulative), plus one for values above the last bound. */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A histogram with one label, registered in prom-client's registry and printed exactly as a
 * prom-client Histogram with the same name, help, label and buckets would be.
 */
export class TallyHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly series = new Map<string, Series>();

  private constructor(
    config: { name: string; help: string },
    private readonly labelName: L,
    private readonly buckets: readonly number[],
  ) {
    this.name = config.name;
    this.help = config.help;
  }

  /** Get-or-create in the default registry, like the platform's `histogram()`. */
  static create<L extends string>(config: { name: string; help: string; labelName: L; buckets: readonly number[] }): TallyHistogram<L> {
    const existing = register.getSingleMetric(config.name) as unknown;
    if (existing instanceof TallyHistogram) return existing as TallyHistogram<L>;
    const histogram = new TallyHistogram(config, config.labelName, [...config.buckets].sort((a, b) => a - b));
    register.registerMetric(histogram as unknown as Metric);
    return histogram;
  }

  observe(labelValue: string, value: number): void {
    let series = this.series.get(labelValue);
    if (!series) {
      series = { counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.series.set(labelValue, series);
    }
    let bucket = 0;
    while (bucket < this.buckets.length && value > this.buckets[bucket]!) bucket++;
    series.counts[bucket]!++;
    series.sum += value;
    series.count++;
  }

  /** What prom-client's registry prints (same shape as prom-client's Histogram#get). */
  get() {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    for (const [labelValue, series] of this.series) {
      const labels = { [this.labelName]: labelValue };
      let cumulative = 0;
      this.buckets.forEach((le, index) => {
        cumulative += series.counts[index]!;
        values.push({ labels: { le, ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...labels }, value: series.count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.series.clear();
  }
}
