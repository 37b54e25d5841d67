import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The console's own read model: threads and their timelines, filled from the streams. */
export class InitConsole1764100000000 implements MigrationInterface {
  name = 'InitConsole1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE console.thread (
      page_id varchar(32) NOT NULL,
      psid varchar(32) NOT NULL,
      owner_app_id varchar(64),
      owner_seq bigint NOT NULL DEFAULT 0,
      last_event_at timestamptz NOT NULL,
      last_in_at timestamptz,
      last_summary text,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (page_id, psid))`);
    await q.query('CREATE INDEX thread_recent_idx ON console.thread (last_event_at DESC)');
    await q.query('CREATE INDEX thread_page_recent_idx ON console.thread (page_id, last_event_at DESC)');
    await q.query(`CREATE TABLE console.timeline_entry (
      id bigserial PRIMARY KEY,
      dedupe_key text NOT NULL UNIQUE,
      page_id varchar(32) NOT NULL,
      psid varchar(32) NOT NULL,
      direction varchar(16) NOT NULL,
      kind varchar(40) NOT NULL,
      app_id varchar(64),
      summary text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      at timestamptz NOT NULL)`);
    await q.query('CREATE INDEX timeline_entry_thread_idx ON console.timeline_entry (page_id, psid, at, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE console.timeline_entry');
    await q.query('DROP TABLE console.thread');
  }
}
