import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Routing writes every thread on every event. With free room on each page PostgreSQL can keep
 * the new row version on the same page without new index entries (a HOT update), provided no
 * indexed column changed (routing leaves `expires_at` alone most of the time). Applies to pages
 * written from now on; a VACUUM FULL would repack the existing ones, which is not worth a lock.
 */
export class ThreadFillFactor1764120000000 implements MigrationInterface {
  name = 'ThreadFillFactor1764120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE thread_ownership.thread SET (fillfactor = 80)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE thread_ownership.thread RESET (fillfactor)');
  }
}
