import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The HUMAN_AGENT tag allows 7 days after the user's last *message* (§5.2), while the standard
 * window follows any interaction (postback, reaction, referral …; §5.3): each thread now keeps
 * both times. Existing rows take their last interaction as their last message, which is what
 * the HUMAN_AGENT end was computed from until now (nullable, no default: no table rewrite).
 */
export class WindowLastMessage1764150000000 implements MigrationInterface {
  name = 'WindowLastMessage1764150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE notifications.thread_windows ADD COLUMN IF NOT EXISTS last_message_at timestamptz');
    await q.query('UPDATE notifications.thread_windows SET last_message_at = last_interaction_at WHERE last_message_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE notifications.thread_windows DROP COLUMN IF EXISTS last_message_at');
  }
}
