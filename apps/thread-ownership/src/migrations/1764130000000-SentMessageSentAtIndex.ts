import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `sent_message` gains a row per outbound message and is now pruned by age
 * (SENT_MESSAGE_RETENTION_MS): the pruning finds the oldest rows through this index instead of
 * reading the whole table. Built in the migration's transaction: writes to the table wait while
 * it builds (seconds for millions of rows), once, at the upgrade.
 */
export class SentMessageSentAtIndex1764130000000 implements MigrationInterface {
  name = 'SentMessageSentAtIndex1764130000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX IF NOT EXISTS sent_message_sent_at_idx ON thread_ownership.sent_message (sent_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS thread_ownership.sent_message_sent_at_idx');
  }
}
