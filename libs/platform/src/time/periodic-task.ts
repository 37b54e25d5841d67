import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/**
 * A job a service runs on a timer after boot (sweeps, retries, re-checks). A run never overlaps
 * the previous one; a failing run is logged and the next one tries again; shutdown waits for the
 * run in progress. Tests call `runOnce()` directly (with a ManualClock) instead of waiting.
 */
export abstract class PeriodicTask<Result> implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<Result>;

  /** Milliseconds between runs; 0 or less: never on a timer (still callable). */
  protected abstract intervalMs(): number;

  protected abstract runPass(): Promise<Result>;

  onApplicationBootstrap(): void {
    const interval = this.intervalMs();
    if (interval <= 0) return;
    this.timer = setInterval(() => void this.runOnce().catch((err: unknown) => this.logger.warn({ err }, 'periodic run failed; the next run retries')), interval);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  runOnce(): Promise<Result> {
    this.running ??= this.runPass().finally(() => (this.running = undefined));
    return this.running;
  }
}
