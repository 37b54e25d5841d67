import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * - page.token_status / token_checked_at: a Page whose token Meta refused (190) needs a new
 *   install; its token is not used meanwhile.
 * - onboarding_state: single-use, expiring `state` values of the Facebook Login flow (CSRF);
 *   only a hash of the value is stored.
 */
export class PageTokenStatusAndOnboarding1764079200000 implements MigrationInterface {
  name = 'PageTokenStatusAndOnboarding1764079200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE thread_ownership.page
      ADD COLUMN token_status varchar(16) NOT NULL DEFAULT 'valid' CHECK (token_status IN ('valid', 'needs_reauth')),
      ADD COLUMN token_checked_at timestamptz`);
    await q.query(`CREATE TABLE thread_ownership.onboarding_state (
      state_hash varchar(64) PRIMARY KEY,
      requested_pages jsonb NOT NULL DEFAULT '[]'::jsonb,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz)`);
    await q.query(`CREATE INDEX onboarding_state_expiry_idx ON thread_ownership.onboarding_state (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS thread_ownership.onboarding_state`);
    await q.query(`ALTER TABLE thread_ownership.page DROP COLUMN token_checked_at, DROP COLUMN token_status`);
  }
}
