import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PreparedStatement } from '@app/platform';
import { DataSource } from 'typeorm';
import type { ThreadTx } from '../threads/threads.repository.js';
import { SentMessageEntity, type ThreadControl } from './sent-message.entity.js';

/** Deletes up to `$2` rows sent before `$1`, oldest first (found through `sent_message_sent_at_idx`). */
const PRUNE_SENT = new PreparedStatement(
  'thread_ownership_sent_message_prune_v1',
  `DELETE FROM thread_ownership.sent_message
    WHERE message_id IN (SELECT message_id FROM thread_ownership.sent_message WHERE sent_at < $1 ORDER BY sent_at LIMIT $2)`,
);

/** The message an app already sent to this user with this key (partial unique index). */
const SENT_WITH_KEY = new PreparedStatement<{ message_id: string; pending_control: ThreadControl | null }>(
  'thread_ownership_sent_with_key_v2',
  `SELECT message_id, pending_control FROM thread_ownership.sent_message
    WHERE page_id = $1 AND psid = $2 AND app_id = $3 AND idempotency_key = $4`,
);

const CONTROL_DONE = new PreparedStatement(
  'thread_ownership_sent_control_done_v1',
  'UPDATE thread_ownership.sent_message SET pending_control = NULL WHERE message_id = $1',
);

const RECORD_SENT = new PreparedStatement(
  'thread_ownership_record_sent_v2',
  `INSERT INTO thread_ownership.sent_message (message_id, app_id, page_id, psid, sent_at, idempotency_key, pending_control)
   VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT DO NOTHING`,
);

const recordValues = (row: SentMessageEntity) => [
  row.messageId,
  row.appId,
  row.pageId,
  row.psid,
  row.sentAt,
  row.idempotencyKey ?? null,
  row.pendingControl ? JSON.stringify(row.pendingControl) : null,
];

/**
 * Which app sent which message. A send records it in the thread's transaction (ThreadTx.run): the
 * record and its idempotency key commit with the send's other effects, and a repeat of the key,
 * which waits for the thread's lock, finds it.
 */
@Injectable()
export class SentMessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** On a connection of its own: a send whose transaction failed after Meta took the message. */
  async record(row: SentMessageEntity): Promise<void> {
    await RECORD_SENT.count(this.dataSource, recordValues(row));
  }

  /** In the send's transaction, committing with its other effects. */
  async recordIn(tx: ThreadTx, row: SentMessageEntity): Promise<void> {
    await tx.run(RECORD_SENT, recordValues(row));
  }

  /** The message an app already sent to this user with this key, if it is still kept, and what of its thread control is still to do. */
  async sentWithKey(tx: ThreadTx, key: { pageId: string; psid: string; appId: string; idempotencyKey: string }): Promise<{ messageId: string; pendingControl: ThreadControl | null } | null> {
    const [row] = await tx.run(SENT_WITH_KEY, [key.pageId, key.psid, key.appId, key.idempotencyKey]);
    return row ? { messageId: row.message_id, pendingControl: row.pending_control } : null;
  }

  async controlDone(tx: ThreadTx, messageId: string): Promise<void> {
    await tx.run(CONTROL_DONE, [messageId]);
  }

  async senderOf(messageId: string): Promise<string | null> {
    if (!messageId) return null;
    const row = await this.dataSource.getRepository(SentMessageEntity).findOneBy({ messageId });
    return row?.appId ?? null;
  }

  /** Returns how many rows went. */
  pruneSentBefore(sentBefore: Date, limit: number): Promise<number> {
    return PRUNE_SENT.count(this.dataSource, [sentBefore, limit]);
  }
}
