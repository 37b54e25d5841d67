import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, LessThan } from 'typeorm';
import { ThreadEntity } from '../threads/thread.entity.js';
import { BotHealthEntity, type BotHealthState } from './bot-health.entity.js';
import { DeliveryErrorEntity, type DeliveryErrorKind } from './delivery-error.entity.js';

export interface NewDeliveryError {
  appId: string;
  kind: DeliveryErrorKind;
  streamSeq: number;
  deliveryCount: number;
  idempotencyKey?: string | null;
  pageId?: string | null;
  psid?: string | null;
  reason?: string | null;
  at: Date;
}

export type Counters = Pick<BotHealthEntity, 'acks' | 'naks' | 'timeouts' | 'redeliveries' | 'maxDeliveries' | 'terminated'>;
const COUNTER_COLUMNS: Record<keyof Counters, string> = {
  acks: 'acks',
  naks: 'naks',
  timeouts: 'timeouts',
  redeliveries: 'redeliveries',
  maxDeliveries: 'max_deliveries',
  terminated: 'terminated',
};
const T = 'thread_ownership';

@Injectable()
export class DeliveryHealthRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One row per event, delivery and kind: the server's advisory and the bot's report of the same
   * nak meet here in either order (the report brings the reason, the advisory the facts).
   * Returns true when the row is new.
   */
  async recordError(e: NewDeliveryError): Promise<boolean> {
    const rows: Array<{ inserted: boolean }> = await this.dataSource.query(
      `INSERT INTO ${T}.delivery_error AS d (app_id, kind, stream_seq, delivery_count, idempotency_key, page_id, psid, reason, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (app_id, stream_seq, delivery_count, kind) DO UPDATE SET
         idempotency_key = COALESCE(d.idempotency_key, EXCLUDED.idempotency_key),
         page_id = COALESCE(d.page_id, EXCLUDED.page_id),
         psid = COALESCE(d.psid, EXCLUDED.psid),
         reason = COALESCE(EXCLUDED.reason, d.reason)
       RETURNING (xmax = 0) AS inserted`,
      [e.appId, e.kind, e.streamSeq, e.deliveryCount, e.idempotencyKey ?? null, e.pageId ?? null, e.psid ?? null, e.reason ?? null, e.at],
    );
    return rows[0]?.inserted ?? false;
  }

  /** Deliveries of one event that the bot explicitly failed (nak or term). */
  async explainedDeliveries(appId: string, streamSeq: number): Promise<Set<number>> {
    const rows = await this.dataSource.getRepository(DeliveryErrorEntity).find({
      select: { deliveryCount: true },
      where: { appId, streamSeq, kind: In(['nak', 'terminated']) },
    });
    return new Set(rows.map((r) => r.deliveryCount));
  }

  recentErrors(appId: string, limit: number): Promise<DeliveryErrorEntity[]> {
    return this.dataSource.getRepository(DeliveryErrorEntity).find({ where: { appId }, order: { id: 'DESC' }, take: limit });
  }

  async pruneErrors(before: Date): Promise<void> {
    await this.dataSource.getRepository(DeliveryErrorEntity).delete({ at: LessThan(before) });
  }

  find(appId: string): Promise<BotHealthEntity | null> {
    return this.dataSource.getRepository(BotHealthEntity).findOneBy({ appId });
  }

  findAll(): Promise<BotHealthEntity[]> {
    return this.dataSource.getRepository(BotHealthEntity).find({ order: { appId: 'ASC' } });
  }

  /** The first failure after a success starts the failing period; an unhealthy app stays unhealthy. */
  async markFailing(appId: string, at: Date): Promise<BotHealthState> {
    const rows: Array<{ state: BotHealthState }> = await this.dataSource.query(
      `INSERT INTO ${T}.bot_health AS h (app_id, state, failing_since, last_failure_at) VALUES ($1, 'failing', $2, $2)
       ON CONFLICT (app_id) DO UPDATE SET
         failing_since = COALESCE(h.failing_since, EXCLUDED.failing_since),
         last_failure_at = GREATEST(h.last_failure_at, EXCLUDED.last_failure_at),
         state = CASE WHEN h.state = 'unhealthy' THEN 'unhealthy' ELSE 'failing' END
       RETURNING state`,
      [appId, at],
    );
    return rows[0]?.state ?? 'failing';
  }

  /** A delivery succeeded: a failing app is healthy again (an unhealthy one only by resubscribing). */
  async markSucceeded(appId: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${T}.bot_health SET state = 'healthy', failing_since = NULL, last_success_at = GREATEST(last_success_at, $2)
        WHERE app_id = $1 AND state = 'failing'`,
      [appId, at],
    );
  }

  /** Adds counts and the last success seen by this replica since its previous flush. */
  async flush(appId: string, counts: Partial<Counters>, lastSuccessAt: Date | null): Promise<void> {
    const keys = (Object.keys(counts) as Array<keyof Counters>).filter((k) => (counts[k] ?? 0) > 0);
    const sets = keys.map((k, i) => `${COUNTER_COLUMNS[k]} = h.${COUNTER_COLUMNS[k]} + $${i + 3}`);
    const insertCols = keys.map((k) => COUNTER_COLUMNS[k]);
    await this.dataSource.query(
      `INSERT INTO ${T}.bot_health AS h (app_id, last_success_at${insertCols.map((c) => `, ${c}`).join('')})
       VALUES ($1, $2${keys.map((_, i) => `, $${i + 3}`).join('')})
       ON CONFLICT (app_id) DO UPDATE SET last_success_at = GREATEST(h.last_success_at, EXCLUDED.last_success_at)${sets.map((s) => `, ${s}`).join('')}`,
      [appId, lastSuccessAt, ...keys.map((k) => counts[k])],
    );
  }

  /** Failing apps whose failing period started at or before `cutoff` become unhealthy; returns them (once). */
  async markUnhealthy(cutoff: Date, at: Date): Promise<string[]> {
    // TypeORM answers an UPDATE … RETURNING on PostgreSQL with [rows, affected].
    const [rows]: [Array<{ app_id: string }>, number] = await this.dataSource.query(
      `UPDATE ${T}.bot_health SET state = 'unhealthy', unhealthy_at = $2
        WHERE state = 'failing' AND failing_since <= $1 RETURNING app_id`,
      [cutoff, at],
    );
    return rows.map((r) => r.app_id);
  }

  async setUnsubscribedPages(appId: string, pageIds: string[]): Promise<void> {
    await this.dataSource.getRepository(BotHealthEntity).update({ appId }, { unsubscribedPages: pageIds });
  }

  /** Resubscribed: healthy again, with a fresh failing period should it fail again. */
  async markResubscribed(appId: string, remainingPages: string[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${T}.bot_health SET state = 'healthy', failing_since = NULL, unhealthy_at = NULL, unsubscribed_pages = $2::jsonb WHERE app_id = $1`,
      [appId, JSON.stringify(remainingPages)],
    );
  }

  ownedThreads(appId: string, pageIds: string[]): Promise<ThreadEntity[]> {
    if (pageIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(ThreadEntity).find({ where: { ownerAppId: appId, pageId: In(pageIds) } });
  }
}
