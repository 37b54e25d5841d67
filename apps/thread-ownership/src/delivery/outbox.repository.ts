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

  async markPublished(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await MARK_PUBLISHED.run(this.dataSource, [at, ids]);
  }
}
