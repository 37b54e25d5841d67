import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ThrottleDecision } from '../otn.rules.js';

export interface NewAsk {
  id: string;
  appId: string;
  pageId: string;
  psid: string;
  topic: string;
  title: string;
  requestedAt: Date;
}

/** Arbitrary namespace for the advisory locks of this table (pg_advisory_xact_lock(int, int)). */
const ASK_LOCK_NAMESPACE = 0x4f544e; // "OTN"

@Injectable()
export class RequestsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records the ask unless `decide` throttles it. The last ask that counts is the user's last one
   * of the same topic **or the same title**: Meta refuses "multiple opt-in requests with the same
   * topic" (613/1893016), and which of the two it means is unconfirmed (reference §3), so both
   * are held back. An advisory lock per (Page, user) makes read-decide-insert atomic: two
   * concurrent asks cannot both pass the throttle.
   */
  async recordUnlessThrottled(ask: NewAsk, decide: (lastAskedAt: Date | null) => ThrottleDecision): Promise<ThrottleDecision> {
    return this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ASK_LOCK_NAMESPACE, `${ask.pageId}:${ask.psid}`]);
      const [last]: Array<{ at: Date | null }> = await m.query(
        `SELECT max(requested_at) AS at FROM notifications.otn_requests
         WHERE page_id = $1 AND psid = $2 AND (topic = $3 OR title = $4) AND status <> 'failed'`,
        [ask.pageId, ask.psid, ask.topic, ask.title],
      );
      const decision = decide(last?.at ?? null);
      if (decision.throttled) return decision;
      await m.query(
        `INSERT INTO notifications.otn_requests (id, app_id, page_id, psid, topic, title, status, requested_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)`,
        [ask.id, ask.appId, ask.pageId, ask.psid, ask.topic, ask.title, ask.requestedAt],
      );
      return decision;
    });
  }

  async markSent(id: string, messageId: string): Promise<void> {
    await this.dataSource.query(`UPDATE notifications.otn_requests SET status = 'sent', message_id = $2, updated_at = now() WHERE id = $1`, [
      id,
      messageId,
    ]);
  }

  /** The user never saw it, so it must not count for the throttle. */
  async markFailed(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE notifications.otn_requests SET status = 'failed', updated_at = now() WHERE id = $1`, [id]);
  }
}
