import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notifications schema. Tokens are stored sealed (AES-GCM) and found by a keyed fingerprint:
 * the clear token never reaches the database. States are checked by the database so no code
 * path can invent one.
 */
export class InitNotifications1764060000000 implements MigrationInterface {
  name = 'InitNotifications1764060000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE notifications.page_settings (
      page_id varchar(32) PRIMARY KEY,
      otn_enabled boolean NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE notifications.otn_tokens (
      id bigserial PRIMARY KEY,
      page_id varchar(32) NOT NULL,
      psid varchar(32) NOT NULL,
      topic text NOT NULL,
      sealed_token text NOT NULL,
      fingerprint char(64) NOT NULL UNIQUE,
      state text NOT NULL DEFAULT 'valid' CHECK (state IN ('valid', 'reserved', 'used', 'invalid', 'expired')),
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      reserved_at timestamptz,
      used_at timestamptz,
      event_id text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    ) WITH (fillfactor = 85)`);
    // No index mentions `state` (not even as a partial-index predicate) and fillfactor leaves room
    // on each page: reserve/use/invalidate are then HOT updates, with no index writes.
    // Oldest token of one (page, user, topic) for notify; "ever agreed"; the inventory by page.
    await q.query(`CREATE INDEX otn_tokens_thread_topic ON notifications.otn_tokens (page_id, psid, topic, created_at, id)`);
    await q.query(`CREATE INDEX otn_tokens_expiry ON notifications.otn_tokens (expires_at)`);
    await q.query(`CREATE TABLE notifications.otn_requests (
      id uuid PRIMARY KEY,
      app_id text NOT NULL,
      page_id varchar(32) NOT NULL,
      psid varchar(32) NOT NULL,
      topic text NOT NULL,
      title text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
      message_id text,
      requested_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX otn_requests_last ON notifications.otn_requests (page_id, psid, topic, requested_at DESC) WHERE status <> 'failed'`);
    await q.query(`CREATE TABLE notifications.otn_sends (
      id uuid PRIMARY KEY,
      -- No foreign key: the one insert takes token_id from the same statement's UPDATE of that
      -- token, and an FK check would add a trigger and a key-share lock to every notify.
      token_id bigint NOT NULL,
      app_id text NOT NULL,
      page_id varchar(32) NOT NULL,
      psid varchar(32) NOT NULL,
      topic text NOT NULL,
      message jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('sending', 'retrying', 'sent', 'failed', 'rejected')),
      attempts integer NOT NULL DEFAULT 0,
      message_id text,
      last_error jsonb,
      next_attempt_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX otn_sends_due ON notifications.otn_sends (next_attempt_at) WHERE status IN ('sending', 'retrying')`);
    await q.query(`CREATE TABLE notifications.thread_windows (
      page_id varchar(32) NOT NULL,
      psid varchar(32) NOT NULL,
      last_interaction_at timestamptz,
      last_event_seq bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (page_id, psid)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['thread_windows', 'otn_sends', 'otn_requests', 'otn_tokens', 'page_settings']) {
      await q.query(`DROP TABLE IF EXISTS notifications.${table}`);
    }
  }
}
