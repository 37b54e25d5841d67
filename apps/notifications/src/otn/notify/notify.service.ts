import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { SendNotification, SendResult } from '@app/contracts';
import { Clock } from '@app/platform';
import type { z } from 'zod';
import { NotificationsSettings } from '../../config/settings.js';
import { OtnErrors } from '../../core/errors.js';
import { refuse } from '../../core/metrics.js';
import { SmartBatcher } from '../../core/smart-batcher.js';
import { PageSettingsService } from '../../pages/page-settings.service.js';
import { backoffDelayMs } from './delivery-outcome.js';
import { SendAttempts } from './send-attempts.service.js';
import { SendLedgerRepository, type PendingSend, type Reservation, type ReserveRequest } from './send-ledger.repository.js';

type NotifyRequest = z.infer<typeof SendNotification.request>;

/**
 * Spends one token to send the message the user asked for. Transient failures are retried here
 * a few times while the bot waits; after that the send stays reserved for the retry loop
 * (RetryScheduler) and the bot is told `retrying: true`, so it does not spend a second token.
 */
@Injectable()
export class NotifyService {
  private readonly reservations = new SmartBatcher<ReserveRequest, Reservation>((batch) => this.reserveBatch(batch));

  constructor(
    private readonly ledger: SendLedgerRepository,
    private readonly attempts: SendAttempts,
    private readonly pages: PageSettingsService,
    private readonly settings: NotificationsSettings,
    private readonly clock: Clock,
  ) {}

  async send(appId: string, request: NotifyRequest): Promise<SendResult> {
    await this.pages.assertOtnEnabled(request.pageId);
    const pending = await this.reserve(appId, request);
    return this.deliverInline(pending);
  }

  private async reserve(appId: string, request: NotifyRequest): Promise<PendingSend> {
    const { pageId, psid, topic, message } = request;
    const reservation = await this.reservations.submit({ id: randomUUID(), appId, pageId, psid, topic, message });
    if (reservation.pending) return reservation.pending;
    if (reservation.agreed) {
      refuse('no_token_left');
      throw OtnErrors.noTokenLeft(topic);
    }
    refuse('topic_not_agreed');
    throw OtnErrors.topicNotAgreed(topic);
  }

  /** Concurrent notifies reserve their tokens together: one statement and one commit per batch. */
  private reserveBatch(requests: ReserveRequest[]): Promise<Reservation[]> {
    const now = this.clock.now();
    return this.ledger.reserveOldestTokens(requests, now, new Date(now.getTime() + this.settings.retry.leaseMs));
  }

  private async deliverInline(send: PendingSend): Promise<SendResult> {
    const { inlineAttempts, maxAttempts, baseDelayMs, maxDelayMs } = this.settings.retry;
    const limit = Math.min(inlineAttempts, maxAttempts);
    let current = send;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempts.attempt(current);
      if (outcome.ok) return this.attempts.recordSent(current, attempt, outcome.result);
      if (outcome.failure !== 'transient') throw await this.attempts.recordFinal(current, attempt, outcome.error, outcome.failure);
      if (attempt >= limit) throw await this.attempts.recordTransient(current, attempt, outcome.error);
      current = { ...current, lastError: this.attempts.toRecord(current, outcome.error) };
      await sleep(backoffDelayMs(attempt, baseDelayMs, maxDelayMs));
    }
  }
}
