import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * - thread.owner_since_seq / ownership_change.stream_seq: the EVENTS stream position at which an
 *   owner took over, so each event is routed by the owner of the moment it was stored.
 * - page.routing_rules: Conversation Routing's entry points (ref, ad id, source → app).
 */
export class OwnershipPositionsAndRules1764075600000 implements MigrationInterface {
  name = 'OwnershipPositionsAndRules1764075600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE thread_ownership.thread ADD COLUMN owner_since_seq bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE thread_ownership.ownership_change ADD COLUMN stream_seq bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE thread_ownership.page ADD COLUMN routing_rules jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE thread_ownership.page DROP COLUMN routing_rules`);
    await q.query(`ALTER TABLE thread_ownership.ownership_change DROP COLUMN stream_seq`);
    await q.query(`ALTER TABLE thread_ownership.thread DROP COLUMN owner_since_seq`);
  }
}
