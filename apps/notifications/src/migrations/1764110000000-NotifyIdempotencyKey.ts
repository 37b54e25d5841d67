import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A bot's idempotency key on each notify, unique per Page and calling app: the index is what
 * stops two concurrent repeats (two replicas) from each spending a token (reserve-tokens.sql.ts
 * inserts with ON CONFLICT on it). `recipient_id` keeps Meta's answer so a repeat gets it back.
 */
export class NotifyIdempotencyKey1764110000000 implements MigrationInterface {
  name = 'NotifyIdempotencyKey1764110000000';
  /** CREATE INDEX CONCURRENTLY cannot run in a transaction; every step below may be run again. */
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    // Nullable, no default: no table rewrite; notifies without a key are stored as before.
    await q.query(`ALTER TABLE notifications.otn_sends
      ADD COLUMN IF NOT EXISTS idempotency_key varchar(128), ADD COLUMN IF NOT EXISTS recipient_id text`);
    // Concurrently: notifies keep being recorded while the index is built on a large table.
    // A build that failed halfway leaves an invalid index behind; drop it before building again.
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS notifications.otn_sends_idempotency_key`);
    await q.query(`CREATE UNIQUE INDEX CONCURRENTLY otn_sends_idempotency_key
      ON notifications.otn_sends (page_id, app_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS notifications.otn_sends_idempotency_key`);
    await q.query(`ALTER TABLE notifications.otn_sends DROP COLUMN IF EXISTS recipient_id, DROP COLUMN IF EXISTS idempotency_key`);
  }
}
