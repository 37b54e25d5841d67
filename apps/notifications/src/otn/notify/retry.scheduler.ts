import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@app/platform';
import { NotificationsSettings } from '../../config/settings.js';
import { SendAttempts } from './send-attempts.service.js';
import { SendLedgerRepository, type PendingSend } from './send-ledger.repository.js';

const BATCH = 20;

/**
 * Finishes sends whose inline attempts hit transient failures, and sends whose replica died
 * mid-attempt (their lease ran out). Every replica runs it; SKIP LOCKED leases spread the work.
 * Resending is safe: Meta spends a token once, so a duplicate attempt fails instead of sending twice.
 */
@Injectable()
export class RetryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetryScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly ledger: SendLedgerRepository,
    private readonly attempts: SendAttempts,
    private readonly settings: NotificationsSettings,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runDue().catch((err: unknown) => this.logger.error({ err }, 'retry run failed')), this.settings.retry.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass over the due sends; returns how many were attempted. Callable from tests with a ManualClock. */
  runDue(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    const now = this.clock.now();
    const due = await this.ledger.claimDue(now, new Date(now.getTime() + this.settings.retry.leaseMs), BATCH);
    await Promise.all(due.map((send) => this.retry(send)));
    return due.length;
  }

  private async retry(send: PendingSend): Promise<void> {
    const attempts = send.attempts + 1;
    const outcome = await this.attempts.attempt(send);
    if (outcome.ok) await this.attempts.recordSent(send, attempts, outcome.result);
    else if (outcome.failure === 'transient') await this.attempts.recordTransient(send, attempts, outcome.error);
    else await this.attempts.recordFinal(send, attempts, outcome.error, outcome.failure);
  }
}
