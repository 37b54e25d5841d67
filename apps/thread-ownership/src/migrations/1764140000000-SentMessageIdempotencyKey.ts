import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A bot's send may carry an idempotency key: a repeat (a redelivered event replied to again, a
 * retry after a timeout) answers with the first send's result instead of messaging the user
 * twice. The key is kept on the sent message's row, unique per Page, user and app; rows without a
 * key (all rows before this migration) stay out of the partial index, so it builds from nothing.
 * `pending_control`: a send Meta took whose transaction then failed keeps the pass or release
 * that rode on it here; a repeat of its key completes it instead of sending again.
 */
export class SentMessageIdempotencyKey1764140000000 implements MigrationInterface {
  name = 'SentMessageIdempotencyKey1764140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE thread_ownership.sent_message ADD COLUMN IF NOT EXISTS idempotency_key varchar(128)');
    await q.query('ALTER TABLE thread_ownership.sent_message ADD COLUMN IF NOT EXISTS pending_control jsonb');
    await q.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS sent_message_idempotency_key_idx
         ON thread_ownership.sent_message (page_id, psid, app_id, idempotency_key)
         WHERE idempotency_key IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS thread_ownership.sent_message_idempotency_key_idx');
    await q.query('ALTER TABLE thread_ownership.sent_message DROP COLUMN IF EXISTS pending_control');
    await q.query('ALTER TABLE thread_ownership.sent_message DROP COLUMN IF EXISTS idempotency_key');
  }
}
