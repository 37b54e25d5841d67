import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { SendNotificationRequest, SendResult } from '@app/contracts';
import { Clock, SmartBatcher } from '@app/platform';
import { NotificationsSettings } from '../../config/settings.js';
import { OtnErrors } from '../../core/errors.js';
import { refuse } from '../../core/metrics.js';
import { PageSettingsService } from '../../pages/page-settings.service.js';
import { Participants } from '../../pages/participants.service.js';
import { backoffDelayMs } from './delivery-outcome.js';
import { NotifyReplay } from './notify-replay.service.js';
import { SendAttempts } from './send-attempts.service.js';
import { SendLedgerRepository, type PendingSend, type Reservation, type ReserveRequest } from './send-ledger.repository.js';
import type { KeyedNotify } from './send-replays.repository.js';

/**
 * Spends one token to send the message the user asked for. Transient failures are retried here
 * a few times while the bot waits; after that the send stays reserved for the retry loop
 * (RetryScheduler) and the bot is told `retrying: true`, so it does not spend a second token.
 * A request repeating an idempotency key gets the outcome of the notify recorded under it.
 */
@Injectable()
export class NotifyService {
  private readonly reservations = new SmartBatcher<ReserveRequest, Reservation>((batch) => this.reserveBatch(batch));

  constructor(
    private readonly ledger: SendLedgerRepository,
    private readonly attempts: SendAttempts,
    private readonly replay: NotifyReplay,
    private readonly pages: PageSettingsService,
    private readonly participants: Participants,
    private readonly settings: NotificationsSettings,
    private readonly clock: Clock,
  ) {}

  /** `callerTimeoutMs`: how long the caller waits (RPC_TIMEOUT_HEADER); a repeat of a send in flight answers before then. */
  async send(appId: string, request: SendNotificationRequest, callerTimeoutMs?: number): Promise<SendResult> {
    const { pageId, psid, topic, message, idempotencyKey } = request;
    const keyed: KeyedNotify | null = idempotencyKey === undefined ? null : { appId, pageId, psid, topic, message, idempotencyKey };
    await this.participants.assert(pageId, appId);
    try {
      await this.pages.assertOtnEnabled(pageId);
    } catch (error) {
      // A repeat answers as the notify it repeats did, even if the Page has lost OTN since.
      const replayed = keyed && (await this.replay.ifRecorded(keyed, callerTimeoutMs));
      if (replayed) return replayed;
      throw error;
    }
    const reservation = await this.reservations.submit({ id: randomUUID(), appId, pageId, psid, topic, message, idempotencyKey: idempotencyKey ?? null });
    if (keyed && (reservation.duplicate || (await this.lostTokenToItsOwnRepeat(keyed, reservation)))) return this.replay.recorded(keyed, callerTimeoutMs);
    return this.deliverInline(this.reserved(reservation, topic));
  }

  /** "No token left" for a key whose first request took the last token at the same moment (another replica). */
  private async lostTokenToItsOwnRepeat(keyed: KeyedNotify, reservation: Reservation): Promise<boolean> {
    return reservation.pending === null && reservation.agreed && (await this.ledger.keyRecordedOnceTokensSettle(keyed));
  }

  private reserved(reservation: Reservation, topic: string): PendingSend {
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
