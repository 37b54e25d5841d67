import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Session cookies are signed and carry their expiry; logging out now also revokes the session
 * itself, so a copy of the cookie stops working at once. Kept until the session would have
 * expired anyway (then pruned).
 */
export class ConsoleRevokedSessions1764160000000 implements MigrationInterface {
  name = 'ConsoleRevokedSessions1764160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE IF NOT EXISTS console.revoked_session (id varchar(64) PRIMARY KEY, expires_at timestamptz NOT NULL)');
    await q.query('CREATE INDEX IF NOT EXISTS revoked_session_expires_at_idx ON console.revoked_session (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS console.revoked_session');
  }
}
