import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitThreadOwnership1764072000000 implements MigrationInterface {
  name = 'InitThreadOwnership1764072000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE thread_ownership.page (
      id varchar(32) PRIMARY KEY,
      name varchar(200),
      default_owner_app_id varchar(64),
      access_token_sealed text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE thread_ownership.page_app (
      page_id varchar(32) NOT NULL REFERENCES thread_ownership.page(id) ON DELETE CASCADE,
      app_id varchar(64) NOT NULL,
      role varchar(16) NOT NULL CHECK (role IN ('bot', 'inbox')),
      can_take boolean NOT NULL DEFAULT false,
      subscribed boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (page_id, app_id))`);
    await q.query(`CREATE TABLE thread_ownership.thread (
      page_id varchar(32) NOT NULL,
      psid varchar(32) NOT NULL,
      owner_app_id varchar(64),
      owner_since timestamptz,
      last_activity_at timestamptz,
      expires_at timestamptz,
      last_event_seq bigint NOT NULL DEFAULT 0,
      version integer NOT NULL DEFAULT 0,
      PRIMARY KEY (page_id, psid))`);
    await q.query(`CREATE INDEX thread_expiry_idx ON thread_ownership.thread (expires_at) WHERE owner_app_id IS NOT NULL`);
    await q.query(`CREATE TABLE thread_ownership.ownership_change (
      id bigserial PRIMARY KEY,
      page_id varchar(32) NOT NULL,
      psid varchar(32) NOT NULL,
      action varchar(16) NOT NULL,
      actor_app_id varchar(64),
      from_app_id varchar(64),
      to_app_id varchar(64),
      metadata text,
      at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX ownership_change_thread_idx ON thread_ownership.ownership_change (page_id, psid, id)`);
    await q.query(`CREATE TABLE thread_ownership.routed_event (
      event_id varchar(200) PRIMARY KEY,
      owner_app_id varchar(64),
      routed_at timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE thread_ownership.outbox (
      id bigserial PRIMARY KEY,
      subject varchar(200) NOT NULL,
      msg_id varchar(200) NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      published_at timestamptz)`);
    await q.query(`CREATE TABLE thread_ownership.sent_message (
      message_id varchar(200) PRIMARY KEY,
      app_id varchar(64) NOT NULL,
      page_id varchar(32) NOT NULL,
      psid varchar(32) NOT NULL,
      sent_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX outbox_unpublished_idx ON thread_ownership.outbox (id) WHERE published_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['sent_message', 'outbox', 'routed_event', 'ownership_change', 'thread', 'page_app', 'page']) {
      await q.query(`DROP TABLE IF EXISTS thread_ownership.${table}`);
    }
  }
}
