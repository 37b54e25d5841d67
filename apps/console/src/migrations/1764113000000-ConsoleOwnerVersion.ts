import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * thread-ownership publishes a fact for every change of owner (`events.thread.owner.changed`),
 * ordered by the thread's row version; the console keeps the version of the last one it applied.
 */
export class ConsoleOwnerVersion1764113000000 implements MigrationInterface {
  name = 'ConsoleOwnerVersion1764113000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE console.thread ADD COLUMN owner_version integer NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE console.thread DROP COLUMN owner_version');
  }
}
