import { Injectable } from '@nestjs/common';
import type { OutgoingMessage } from '@app/contracts';
import { DataSource } from 'typeorm';
import type { SendStatus } from '../otn-send.entity.js';
import type { RecordedSend } from './replay-outcome.js';
import type { RecordedError } from './send-ledger.repository.js';

export interface KeyedNotify {
  appId: string;
  pageId: string;
  psid: string;
  topic: string;
  message: OutgoingMessage;
  idempotencyKey: string;
}

/** Reads the notify recorded under a bot's idempotency key (unique per Page and app). */
@Injectable()
export class SendReplaysRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByKey(notify: KeyedNotify): Promise<RecordedSend | null> {
    // jsonb equality ignores key order and spacing: the same message, however the bot wrote it.
    const rows: ReplayRow[] = await this.dataSource.query(
      `SELECT id, status, attempts, message_id, recipient_id, last_error, next_attempt_at,
         (psid = $4 AND topic = $5 AND message = $6::jsonb) AS same_request
       FROM notifications.otn_sends WHERE page_id = $1 AND app_id = $2 AND idempotency_key = $3`,
      [notify.pageId, notify.appId, notify.idempotencyKey, notify.psid, notify.topic, JSON.stringify(notify.message)],
    );
    const row = rows[0];
    return row ? toRecordedSend(row) : null;
  }
}

interface ReplayRow {
  id: string;
  status: SendStatus;
  attempts: number;
  message_id: string | null;
  recipient_id: string | null;
  last_error: RecordedError | null;
  next_attempt_at: Date | null;
  same_request: boolean;
}

const toRecordedSend = (r: ReplayRow): RecordedSend => ({
  id: r.id,
  status: r.status,
  attempts: r.attempts,
  messageId: r.message_id,
  recipientId: r.recipient_id,
  lastError: r.last_error,
  nextAttemptAt: r.next_attempt_at,
  sameRequest: r.same_request,
});
