import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery health of bot apps: per-app state and counters (bot_health) and the recent failed
 * deliveries (delivery_error), one row per event, delivery and kind.
 */
export class DeliveryHealth1764090000000 implements MigrationInterface {
  name = 'DeliveryHealth1764090000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE thread_ownership.bot_health (
      app_id varchar(64) PRIMARY KEY,
      state varchar(16) NOT NULL DEFAULT 'healthy' CHECK (state IN ('healthy', 'failing', 'unhealthy')),
      failing_since timestamptz,
      last_failure_at timestamptz,
      last_success_at timestamptz,
      unhealthy_at timestamptz,
      unsubscribed_pages jsonb NOT NULL DEFAULT '[]'::jsonb,
      acks bigint NOT NULL DEFAULT 0,
      naks bigint NOT NULL DEFAULT 0,
      timeouts bigint NOT NULL DEFAULT 0,
      redeliveries bigint NOT NULL DEFAULT 0,
      max_deliveries bigint NOT NULL DEFAULT 0,
      terminated bigint NOT NULL DEFAULT 0)`);
    await q.query(`CREATE TABLE thread_ownership.delivery_error (
      id bigserial PRIMARY KEY,
      app_id varchar(64) NOT NULL,
      kind varchar(16) NOT NULL CHECK (kind IN ('nak', 'timeout', 'max_deliveries', 'terminated', 'stalled')),
      stream_seq bigint NOT NULL,
      delivery_count integer NOT NULL,
      idempotency_key varchar(200),
      page_id varchar(32),
      psid varchar(32),
      reason text,
      at timestamptz NOT NULL,
      UNIQUE (app_id, stream_seq, delivery_count, kind))`);
    await q.query(`CREATE INDEX delivery_error_recent_idx ON thread_ownership.delivery_error (app_id, id DESC)`);
    await q.query(`CREATE INDEX delivery_error_at_idx ON thread_ownership.delivery_error (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS thread_ownership.delivery_error`);
    await q.query(`DROP TABLE IF EXISTS thread_ownership.bot_health`);
  }
}
