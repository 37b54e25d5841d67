import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PreparedStatement } from '@app/platform';
import { DataSource, In, IsNull, LessThan } from 'typeorm';
import { OutboxEntity } from './outbox.entity.js';

/**
 * Asynchronous commit: if a crash loses this mark, the relay publishes the rows again and
 * JetStream drops the repeats (same message ids), so it need not wait for the WAL flush.
 */
const MARK_PUBLISHED = new PreparedStatement(
  'thread_ownership_outbox_mark_published_v1',
  `WITH cfg AS (SELECT set_config('synchronous_commit', 'off', true))
   UPDATE thread_ownership.outbox SET published_at = $1 WHERE id = ANY($2::bigint[]) AND EXISTS (SELECT 1 FROM cfg)`,
);

/**
 * Deletes up to `$2` published rows created before `$1`. Ids grow with creation time, so the
 * boundary is the first row (by id) not old enough: finding it reads only the rows about to go,
 * and an outbox with nothing to prune costs one index probe.
 */
const PRUNE_PUBLISHED = new PreparedStatement(
  'thread_ownership_outbox_prune_v1',
  `WITH boundary AS (
     SELECT coalesce((SELECT id FROM thread_ownership.outbox WHERE created_at >= $1 ORDER BY id LIMIT 1), 9223372036854775807) AS id)
   DELETE FROM thread_ownership.outbox
    WHERE id IN (SELECT o.id FROM thread_ownership.outbox o, boundary b
                  WHERE o.id < b.id AND o.published_at IS NOT NULL ORDER BY o.id LIMIT $2)`,
);

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findByIds(ids: string[]): Promise<OutboxEntity[]> {
    return this.dataSource.getRepository(OutboxEntity).find({ where: { id: In(ids), publishedAt: IsNull() }, order: { id: 'ASC' } });
  }

  /** Rows a crash (or a NATS outage) left behind, oldest first. */
  findStale(createdBefore: Date, limit: number): Promise<OutboxEntity[]> {
    return this.dataSource
      .getRepository(OutboxEntity)
      .find({ where: { publishedAt: IsNull(), createdAt: LessThan(createdBefore) }, order: { id: 'ASC' }, take: limit });
  }

  /** Returns how many rows went. */
  prunePublished(createdBefore: Date, limit: number): Promise<number> {
    return PRUNE_PUBLISHED.count(this.dataSource, [createdBefore, limit]);
  }

  async markPublished(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await MARK_PUBLISHED.run(this.dataSource, [at, ids]);
  }
}
