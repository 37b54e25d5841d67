import { Injectable } from '@nestjs/common';
import type { OutgoingMessage } from '@app/contracts';
import { DataSource } from 'typeorm';

export interface NewSend {
  id: string;
  appId: string;
  pageId: string;
  psid: string;
  topic: string;
  message: OutgoingMessage;
  now: Date;
  /** Until then the retry loop leaves this send to the attempt in progress. */
  leaseUntil: Date;
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
   * Takes the oldest unexpired, unused token of exactly this Page, user and topic. SKIP LOCKED:
   * concurrent notifies (any replica) never wait for or share a token; a loser finds none.
   * One statement is one transaction: the row lock, the reservation and the send row commit
   * together (no token is ever spent unrecorded), in a single round trip with the lock held
   * for microseconds, which is what makes the hot path fast.
   */
  async reserveOldestToken(send: NewSend, topic: string): Promise<PendingSend | null> {
    const [token]: Array<{ id: string; sealed_token: string }> = await this.dataSource.query(
      `WITH picked AS (
         SELECT id FROM notifications.otn_tokens
         WHERE page_id = $3 AND psid = $4 AND topic = $5 AND state = 'valid' AND expires_at > $7
         ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED),
       reserved AS (
         UPDATE notifications.otn_tokens t SET state = 'reserved', reserved_at = $7, updated_at = now()
         FROM picked WHERE t.id = picked.id RETURNING t.id, t.sealed_token),
       recorded AS (
         INSERT INTO notifications.otn_sends (id, token_id, app_id, page_id, psid, topic, message, status, attempts, next_attempt_at, created_at)
         SELECT $1, reserved.id, $2, $3, $4, $5, $6, 'sending', 0, $8, $7 FROM reserved RETURNING token_id)
       SELECT reserved.id, reserved.sealed_token FROM reserved JOIN recorded ON recorded.token_id = reserved.id`,
      [send.id, send.appId, send.pageId, send.psid, topic, send.message, send.now, send.leaseUntil],
    );
    if (!token) return null;
    const { id, appId, pageId, psid, message } = send;
    return { id, appId, pageId, psid, message, sealedToken: token.sealed_token, attempts: 0, lastError: null };
  }

  /** Did the user ever opt in to this topic (any token, in any state)? */
  async hasAgreed(pageId: string, psid: string, topic: string): Promise<boolean> {
    const [row]: Array<{ agreed: boolean }> = await this.dataSource.query(
      'SELECT EXISTS (SELECT 1 FROM notifications.otn_tokens WHERE page_id = $1 AND psid = $2 AND topic = $3) AS agreed',
      [pageId, psid, topic],
    );
    return row?.agreed === true;
  }

  async recordSent(sendId: string, attempts: number, messageId: string, now: Date): Promise<void> {
    await this.settle(sendId, `status = 'sent', message_id = $3, last_error = NULL`, `state = 'used', used_at = $4`, [attempts, messageId, now]);
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
