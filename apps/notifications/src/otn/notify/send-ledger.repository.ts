import { Injectable } from '@nestjs/common';
import type { OutgoingMessage } from '@app/contracts';
import { DataSource } from 'typeorm';
import { RESERVE_TOKENS_SQL } from './reserve-tokens.sql.js';

/** One notify asking for a token; `id` becomes the send's id. */
export interface ReserveRequest {
  id: string;
  appId: string;
  pageId: string;
  psid: string;
  topic: string;
  message: OutgoingMessage;
  /** The bot's idempotency key, or null. */
  idempotencyKey: string | null;
}

/** A reserved token and the send that spends it. */
export interface PendingSend {
  id: string;
  appId: string;
  pageId: string;
  psid: string;
  message: OutgoingMessage;
  sealedToken: string;
  attempts: number;
  lastError: RecordedError | null;
}

export interface SentRecord {
  sendId: string;
  attempts: number;
  messageId: string;
  recipientId: string | null;
  at: Date;
}

/** `duplicate`: the request's idempotency key is already recorded; no token was reserved for it. */
export type Reservation = { pending: PendingSend; agreed: true; duplicate: false } | { pending: null; agreed: boolean; duplicate: boolean };

export interface RecordedError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  /** Sticky: some attempt ended without knowing whether Meta took the message. */
  ambiguous: boolean;
}

const OPEN = `status IN ('sending', 'retrying')`;

/** The notify path: token reservation and the send's outcome, each in one transaction. */
@Injectable()
export class SendLedgerRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes the oldest unexpired, unused token of exactly each request's Page, user and topic
   * (SELECT … FOR UPDATE SKIP LOCKED), reserves it and records the send, for a whole batch in
   * one transaction: see reserve-tokens.sql.ts. One reservation per request, in order.
   */
  async reserveOldestTokens(requests: ReserveRequest[], now: Date, leaseUntil: Date): Promise<Reservation[]> {
    const column = <K extends keyof ReserveRequest>(key: K) => requests.map((r) => r[key]);
    const rows: ReservationRow[] = await this.dataSource.query(RESERVE_TOKENS_SQL, [
      column('id'),
      column('appId'),
      column('pageId'),
      column('psid'),
      column('topic'),
      requests.map((r) => JSON.stringify(r.message)),
      now,
      leaseUntil,
      column('idempotencyKey'),
    ]);
    return rows.map((row) => toReservation(requests[Number(row.ord) - 1]!, row));
  }

  /**
   * After a keyed request found no token: was it a repeat whose first request, on another replica,
   * held the user's only token at that moment (SKIP LOCKED passed it by, and that request's
   * uncommitted send row was invisible)? Waits until no transaction holds a token of this user and
   * topic, then looks for the key with a fresh snapshot, which sees what those transactions
   * committed. Only on this rare path: an ordinary refusal costs two short reads.
   */
  async keyRecordedOnceTokensSettle(k: { appId: string; pageId: string; psid: string; topic: string; idempotencyKey: string }): Promise<boolean> {
    await this.dataSource.query('SELECT 1 FROM notifications.otn_tokens WHERE page_id = $1 AND psid = $2 AND topic = $3 FOR SHARE', [k.pageId, k.psid, k.topic]);
    const rows: unknown[] = await this.dataSource.query(
      'SELECT 1 FROM notifications.otn_sends WHERE page_id = $1 AND app_id = $2 AND idempotency_key = $3',
      [k.pageId, k.appId, k.idempotencyKey],
    );
    return rows.length > 0;
  }

  /**
   * Many successful sends settled in one statement (one commit, one WAL flush; SendAttempts batches them).
   * Send and token change together; a send already settled (lost lease) is left alone.
   */
  async recordSentBatch(sent: SentRecord[]): Promise<void> {
    await this.dataSource.query(
      `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::text[]) AS v(id, attempts, message_id, at, recipient_id)),
       s AS (
         UPDATE notifications.otn_sends o SET status = 'sent', message_id = v.message_id, recipient_id = v.recipient_id, attempts = v.attempts,
           last_error = NULL, next_attempt_at = NULL, updated_at = now()
         FROM v WHERE o.id = v.id AND o.${OPEN} RETURNING o.token_id, v.at)
       UPDATE notifications.otn_tokens t SET state = 'used', used_at = s.at, updated_at = now()
       FROM s WHERE t.id = s.token_id AND t.state = 'reserved'`,
      [sent.map((x) => x.sendId), sent.map((x) => x.attempts), sent.map((x) => x.messageId), sent.map((x) => x.at), sent.map((x) => x.recipientId)],
    );
  }

  /** Meta refused: the token is spent or unusable (§3), never offered again. */
  async recordFailed(sendId: string, attempts: number, error: RecordedError): Promise<void> {
    await this.settle(sendId, `status = 'failed', last_error = $3`, `state = 'invalid'`, [attempts, error]);
  }

  /** Refused before reaching Meta: the token goes back to the user's valid tokens. */
  async recordRejected(sendId: string, attempts: number, error: RecordedError): Promise<void> {
    await this.settle(sendId, `status = 'rejected', last_error = $3`, `state = 'valid', reserved_at = NULL`, [attempts, error]);
  }

  /** The token stays reserved; the retry loop picks the send up at `retryAt`. */
  async recordRetry(sendId: string, attempts: number, error: RecordedError, retryAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE notifications.otn_sends SET status = 'retrying', attempts = $2, last_error = $3, next_attempt_at = $4, updated_at = now()
       WHERE id = $1 AND ${OPEN}`,
      [sendId, attempts, error, retryAt],
    );
  }

  /** Leases due sends (retrying, or sending whose attempt died with its replica) to this caller. */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<PendingSend[]> {
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
    const rows: SendRow[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE notifications.otn_sends s SET status = 'sending', next_attempt_at = $2, updated_at = now()
         FROM (SELECT id FROM notifications.otn_sends WHERE ${OPEN} AND next_attempt_at <= $1
               ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) due, notifications.otn_tokens t
         WHERE s.id = due.id AND t.id = s.token_id
         RETURNING s.id, s.app_id, s.page_id, s.psid, s.message, s.attempts, s.last_error, t.sealed_token)
       SELECT * FROM claimed`,
      [now, leaseUntil, limit],
    );
    return rows.map(toPending);
  }

  /** Send and token change together; a send already settled (lost lease) is left alone. */
  private async settle(sendId: string, sendSet: string, tokenSet: string, params: unknown[]): Promise<void> {
    await this.dataSource.query(
      `WITH s AS (
         UPDATE notifications.otn_sends SET ${sendSet}, attempts = $2, next_attempt_at = NULL, updated_at = now()
         WHERE id = $1 AND ${OPEN} RETURNING token_id)
       UPDATE notifications.otn_tokens SET ${tokenSet}, updated_at = now() WHERE id IN (SELECT token_id FROM s) AND state = 'reserved'`,
      [sendId, ...params],
    );
  }
}

interface SendRow {
  id: string;
  app_id: string;
  page_id: string;
  psid: string;
  message: OutgoingMessage;
  attempts: number;
  last_error: RecordedError | null;
  sealed_token: string;
}

const toPending = (r: SendRow): PendingSend => ({
  id: r.id,
  appId: r.app_id,
  pageId: r.page_id,
  psid: r.psid,
  message: r.message,
  sealedToken: r.sealed_token,
  attempts: r.attempts,
  lastError: r.last_error,
});

interface ReservationRow {
  ord: string;
  sealed_token: string | null;
  agreed: boolean;
  duplicate: boolean;
}

function toReservation(request: ReserveRequest, row: ReservationRow): Reservation {
  const sealedToken = row.sealed_token;
  if (sealedToken === null) return { pending: null, agreed: row.agreed, duplicate: row.duplicate };
  const { id, appId, pageId, psid, message } = request;
  return { pending: { id, appId, pageId, psid, message, sealedToken, attempts: 0, lastError: null }, agreed: true, duplicate: false };
}
