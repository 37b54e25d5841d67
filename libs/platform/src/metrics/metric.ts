import { Counter, Histogram, register, type CounterConfiguration, type HistogramConfiguration } from 'prom-client';

/**
 * Get-or-create, so a metric declared in a service file survives several app instances in one
 * process (tests, two replicas in one e2e run) without "already registered" errors.
 */
export function counter<T extends string>(config: CounterConfiguration<T>): Counter<T> {
  return (register.getSingleMetric(config.name) as Counter<T> | undefined) ?? new Counter(config);
}

export function histogram<T extends string>(config: HistogramConfiguration<T>): Histogram<T> {
  return (register.getSingleMetric(config.name) as Histogram<T> | undefined) ?? new Histogram(config);
}
