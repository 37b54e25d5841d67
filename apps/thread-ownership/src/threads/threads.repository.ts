import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { DataSource, IsNull, LessThan, LessThanOrEqual, Not, type EntityManager } from 'typeorm';
import { OutboxEntity } from '../delivery/outbox.entity.js';
import { OwnershipChangeEntity } from './ownership-change.entity.js';
import { ThreadEntity } from './thread.entity.js';

export type NewOwnershipChange = Omit<OwnershipChangeEntity, 'id'>;

export interface RoutingRecord {
  pageId: string;
  psid: string;
  streamSeq: number;
  /** The row version the caller's cached owner was read at. */
  version: number;
  now: Date;
  /** A user interaction on an owned thread: ownership expiry moves on. */
  activity: boolean;
  expiresAt: Date | null;
}
export interface OutboxMessage {
  /** The outbox row, once stored. */
  id?: string;
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
  /** Work that must wait until the transaction has committed (publishing, cache broadcasts). */
  readonly afterCommit: Array<() => void> = [];
  ownerChanged = false;

  constructor(
    private readonly manager: EntityManager,
    readonly thread: ThreadEntity,
  ) {
    this.isNew = thread.version === 0;
  }

  /** Writes the locked row back (an UPDATE by key: `save()` would SELECT it first). */
  async saveThread(): Promise<void> {
    this.thread.version += 1;
    const { pageId, psid, ...changes } = this.thread;
    await this.manager.getRepository(ThreadEntity).update({ pageId, psid }, changes);
  }

  async audit(change: NewOwnershipChange): Promise<void> {
    await this.manager.getRepository(OwnershipChangeEntity).insert(change);
  }

  /** Stores the messages; returns them with their row ids, for publishing right after commit. */
  async enqueue(messages: OutboxMessage[], now: Date): Promise<OutboxMessage[]> {
    if (messages.length === 0) return [];
    const result = await this.manager
      .createQueryBuilder()
      .insert()
      .into(OutboxEntity)
      .values(messages.map((m): QueryDeepPartialEntity<OutboxEntity> => ({ subject: m.subject, msgId: m.msgId, payload: m.payload as QueryDeepPartialEntity<OutboxEntity>['payload'], createdAt: now })))
      .execute();
    return messages.map((m, i) => ({ ...m, id: String(result.identifiers[i]?.id) }));
  }

  /** The owner that applied at stream position `seq` (from the audit log): for events stored before a change. */
  async ownerAt(seq: number): Promise<string | null> {
    const change = await this.manager.getRepository(OwnershipChangeEntity).findOne({
      where: { pageId: this.thread.pageId, psid: this.thread.psid, streamSeq: LessThan(seq), action: Not('request') },
      order: { streamSeq: 'DESC', id: 'DESC' },
    });
    return change ? change.toAppId : null;
  }

}

@Injectable()
export class ThreadsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` with the thread's row locked (the row is created idle on first use). */
  async inThreadTransaction<T>(pageId: string, psid: string, work: (tx: ThreadTx) => Promise<T>): Promise<T> {
    let tx: ThreadTx | undefined;
    const result = await this.dataSource.transaction(async (manager) => {
      const thread = (await lockThread(manager, pageId, psid)) ?? (await createAndLockThread(manager, pageId, psid));
      tx = new ThreadTx(manager, thread);
      return work(tx);
    });
    for (const hook of tx?.afterCommit ?? []) hook();
    return result;
  }

  /**
   * Routing's fast path, one statement and no read: moves the thread's routed position (and its
   * activity) to this event, but only if the thread is still at `version` (the owner the caller
   * cached) and this position was not routed yet. The row lock an ownership change holds makes
   * this wait and then miss, never pass with a stale owner. False: the locked path must decide.
   */
  async recordRouting(r: RoutingRecord): Promise<boolean> {
    // An UPDATE comes back from TypeORM as [rows, affected].
    const [, affected]: [unknown[], number] = await this.dataSource.query(
      // Asynchronous commit for this one statement: the durable fact is the event in JetStream,
      // acked only after this returns; losing this row update in a database crash costs nothing
      // (the event was already delivered), so routing need not wait for the WAL flush.
      `WITH cfg AS (SELECT set_config('synchronous_commit', 'off', true) AS applied)
       UPDATE thread_ownership.thread
          SET last_event_seq = $1,
              last_activity_at = CASE WHEN $2 THEN $3 ELSE last_activity_at END,
              expires_at = CASE WHEN $2 THEN $4 ELSE expires_at END
        WHERE page_id = $5 AND psid = $6 AND version = $7 AND last_event_seq < $1
          AND EXISTS (SELECT 1 FROM cfg WHERE applied IS NOT NULL)
       RETURNING 1`,
      [r.streamSeq, r.activity, r.now, r.expiresAt, r.pageId, r.psid, r.version],
    );
    return affected > 0;
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

function lockThread(manager: EntityManager, pageId: string, psid: string): Promise<ThreadEntity | null> {
  return manager.getRepository(ThreadEntity).findOne({ where: { pageId, psid }, lock: { mode: 'pessimistic_write' } });
}

/** First event of a thread: the row is created idle (a concurrent creator wins harmlessly), then locked. */
async function createAndLockThread(manager: EntityManager, pageId: string, psid: string): Promise<ThreadEntity> {
  await manager.createQueryBuilder().insert().into(ThreadEntity).values({ pageId, psid, ownerAppId: null, lastEventSeq: 0, version: 0 }).orIgnore().execute();
  const thread = await lockThread(manager, pageId, psid);
  if (!thread) throw new Error(`thread ${pageId}/${psid} vanished inside its transaction`);
  return thread;
}
