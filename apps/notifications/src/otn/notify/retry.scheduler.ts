import { Injectable } from '@nestjs/common';
import { Clock, PeriodicTask } from '@app/platform';
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
export class RetryScheduler extends PeriodicTask<number> {
  constructor(
    private readonly ledger: SendLedgerRepository,
    private readonly attempts: SendAttempts,
    private readonly settings: NotificationsSettings,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.settings.retry.intervalMs;
  }

  /** One pass over the due sends; returns how many were attempted. Callable from tests with a ManualClock. */
  runDue(): Promise<number> {
    return this.runOnce();
  }

  protected async runPass(): Promise<number> {
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
