import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, LessThanOrEqual, Not, type EntityManager } from 'typeorm';
import { OutboxEntity } from '../delivery/outbox.entity.js';
import { RoutedEventEntity } from '../routing/routed-event.entity.js';
import { OwnershipChangeEntity } from './ownership-change.entity.js';
import { ThreadEntity } from './thread.entity.js';

export type NewOwnershipChange = Omit<OwnershipChangeEntity, 'id'>;
export interface OutboxMessage {
  subject: string;
  msgId: string;
  payload: Record<string, unknown>;
}

/**
 * Work on one thread inside a transaction that holds its row lock: every ownership decision for
 * a thread is serialised here, across all replicas, so there is exactly one owner at every step.
 */
export class ThreadTx {
  /** True when the row was created by this transaction: no event of this thread was ever routed. */
  readonly isNew: boolean;

  constructor(
    private readonly manager: EntityManager,
    readonly thread: ThreadEntity,
  ) {
    this.isNew = thread.version === 0;
  }

  async saveThread(): Promise<void> {
    this.thread.version += 1;
    await this.manager.getRepository(ThreadEntity).save(this.thread);
  }

  async audit(change: NewOwnershipChange): Promise<void> {
    await this.manager.getRepository(OwnershipChangeEntity).insert(change);
  }

  /** Returns the ids of the rows, so the caller can publish them right after commit. */
  async enqueue(messages: OutboxMessage[], now: Date): Promise<string[]> {
    if (messages.length === 0) return [];
    const rows = messages.map((m) => ({ ...m, createdAt: now, publishedAt: null }));
    const result = await this.manager.getRepository(OutboxEntity).insert(rows as Array<Partial<OutboxEntity>> as never);
    return result.identifiers.map((i) => String(i.id));
  }

  findRouted(eventId: string): Promise<RoutedEventEntity | null> {
    return this.manager.getRepository(RoutedEventEntity).findOneBy({ eventId });
  }

  async markRouted(eventId: string, ownerAppId: string | null, now: Date): Promise<void> {
    await this.manager.getRepository(RoutedEventEntity).insert({ eventId, ownerAppId, routedAt: now });
  }
}

@Injectable()
export class ThreadsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` with the thread's row locked (the row is created idle on first use). */
  inThreadTransaction<T>(pageId: string, psid: string, work: (tx: ThreadTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(ThreadEntity)
        .values({ pageId, psid, ownerAppId: null, lastEventSeq: 0, version: 0 })
        .orIgnore()
        .execute();
      const thread = await manager
        .getRepository(ThreadEntity)
        .findOne({ where: { pageId, psid }, lock: { mode: 'pessimistic_write' } });
      if (!thread) throw new Error(`thread ${pageId}/${psid} vanished inside its transaction`);
      return work(new ThreadTx(manager, thread));
    });
  }

  findThread(pageId: string, psid: string): Promise<ThreadEntity | null> {
    return this.dataSource.getRepository(ThreadEntity).findOneBy({ pageId, psid });
  }

  findExpired(now: Date, limit: number): Promise<ThreadEntity[]> {
    return this.dataSource.getRepository(ThreadEntity).find({
      where: { ownerAppId: Not(IsNull()), expiresAt: LessThanOrEqual(now) },
      take: limit,
    });
  }

  history(pageId: string, psid: string, limit = 100): Promise<OwnershipChangeEntity[]> {
    return this.dataSource.getRepository(OwnershipChangeEntity).find({ where: { pageId, psid }, order: { id: 'DESC' }, take: limit });
  }
}
