import { Injectable, Logger } from '@nestjs/common';
import { DeliverMessage, ErrorCode, type SendResult } from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { Clock, type DomainError, retryBriefly, TokenCipher, SmartBatcher } from '@app/platform';
import { NotificationsSettings } from '../../config/settings.js';
import { asDomainError, withDetails } from '../../core/errors.js';
import { refuse, sentTotal } from '../../core/metrics.js';
import { backoffDelayMs, classifyDeliveryFailure, flaggedIfAmbiguous, isAmbiguousFailure, type DeliveryFailure } from './delivery-outcome.js';
import { SendLedgerRepository, type PendingSend, type RecordedError, type SentRecord } from './send-ledger.repository.js';

export type AttemptOutcome = { ok: true; result: SendResult } | { ok: false; error: DomainError; failure: DeliveryFailure };

/** One delivery attempt of a reserved token, and the bookkeeping of what it means. */
@Injectable()
export class SendAttempts {
  private readonly logger = new Logger(SendAttempts.name);
  /** Concurrent successes share one commit (the hot path's second write). */
  private readonly sent = new SmartBatcher<SentRecord>(async (batch) => {
    await this.recordSentBatch(batch);
    return batch.map(() => undefined);
  });

  constructor(
    private readonly ledger: SendLedgerRepository,
    private readonly rpc: RpcClient,
    private readonly cipher: TokenCipher,
    private readonly settings: NotificationsSettings,
    private readonly clock: Clock,
  ) {}

  /** The token is re-sealed for the trip (fresh IV), so the stored ciphertext never leaves the database. */
  async attempt(send: PendingSend): Promise<AttemptOutcome> {
    try {
      const sealedOneTimeNotifToken = this.cipher.seal(this.cipher.open(send.sealedToken));
      const request = { appId: send.appId, pageId: send.pageId, psid: send.psid, message: send.message, sealedOneTimeNotifToken };
      return { ok: true, result: await this.rpc.call(DeliverMessage, request) };
    } catch (error) {
      const typed = asDomainError(error);
      // INTERNAL counts as transient, so even a bug here ends after OTN_SEND_MAX_ATTEMPTS.
      if (typed.code === ErrorCode.Internal) this.logger.error({ err: error, sendId: send.id }, 'delivery attempt failed unexpectedly');
      return { ok: false, error: typed, failure: classifyDeliveryFailure(typed) };
    }
  }

  async recordSent(send: PendingSend, attempts: number, result: SendResult): Promise<SendResult> {
    await this.sent.submit({ sendId: send.id, attempts, messageId: result.message_id, recipientId: result.recipient_id ?? null, at: this.clock.now() });
    sentTotal.inc();
    return result;
  }

  /**
   * Meta has these messages: a database away for a moment must not lose that, or the send would
   * stay open, be tried again by the retry loop, refused by Meta (token used) and end as failed.
   * The write is idempotent (it settles only sends still open), so trying it again is safe.
   */
  private recordSentBatch(batch: SentRecord[]): Promise<void> {
    return retryBriefly(
      () => this.ledger.recordSentBatch(batch),
      (error, attempt) => this.logger.warn({ err: error, sends: batch.length, attempt }, 'delivered notifications not recorded yet; trying again'),
    );
  }

  /** A final, non-transient failure: settles the token and gives the bot the typed error. */
  async recordFinal(send: PendingSend, attempts: number, error: DomainError, failure: Exclude<DeliveryFailure, 'transient'>): Promise<DomainError> {
    const recorded = this.toRecord(send, error);
    if (failure === 'not-sent') {
      // The token goes back (if an earlier attempt did spend it, Meta refuses its next use), but
      // the bot must not read "nothing was sent" when an earlier attempt may have gone out.
      await this.ledger.recordRejected(send.id, attempts, recorded);
      refuse('not_delivered');
      return flaggedIfAmbiguous(error, send.id, recorded.ambiguous);
    }
    await this.ledger.recordFailed(send.id, attempts, recorded);
    refuse('graph_error');
    this.logger.warn({ sendId: send.id, code: error.code, details: error.details }, 'Meta refused a one-time notification; token invalidated');
    // An earlier attempt that timed out may have been the one Meta accepted: say so, the bot decides.
    return flaggedIfAmbiguous(error, send.id, recorded.ambiguous);
  }

  /** Still transient: keep the token reserved for the retry loop, or give up after the last attempt. */
  async recordTransient(send: PendingSend, attempts: number, error: DomainError): Promise<DomainError> {
    const recorded = this.toRecord(send, error);
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.settings.retry;
    if (attempts >= maxAttempts) {
      // Fail safe: a token whose fate is unknown is never offered again (one opt-in, at most one message).
      await this.ledger.recordFailed(send.id, attempts, recorded);
      refuse('retries_exhausted');
      return withDetails(error, { sendId: send.id, retrying: false, attempts });
    }
    const retryAt = new Date(this.clock.now().getTime() + backoffDelayMs(attempts, baseDelayMs, maxDelayMs));
    await this.ledger.recordRetry(send.id, attempts, recorded, retryAt);
    return withDetails(error, { sendId: send.id, retrying: true, attempts, retryAt: retryAt.toISOString() });
  }

  toRecord(send: PendingSend, error: DomainError): RecordedError {
    const ambiguous = (send.lastError?.ambiguous ?? false) || isAmbiguousFailure(error);
    return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}), ambiguous };
  }
}
