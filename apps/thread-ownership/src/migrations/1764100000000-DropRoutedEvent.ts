import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Routing no longer records a row per event: the owner of an event follows from the thread's
 * audit log and stream positions, and the thread's `last_event_seq` tells a redelivery from a new
 * event (a thread's events are routed in stream order). The table grew by one row per event
 * without bound and cost a write per event.
 */
export class DropRoutedEvent1764100000000 implements MigrationInterface {
  name = 'DropRoutedEvent1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE thread_ownership.routed_event');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE thread_ownership.routed_event (
      event_id varchar(200) PRIMARY KEY,
      owner_app_id varchar(64),
      routed_at timestamptz NOT NULL)`);
  }
}
