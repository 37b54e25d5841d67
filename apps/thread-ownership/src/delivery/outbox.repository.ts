import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThan } from 'typeorm';
import { OutboxEntity } from './outbox.entity.js';

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
    if (ids.length > 0) await this.dataSource.getRepository(OutboxEntity).update({ id: In(ids) }, { publishedAt: at });
  }
}
