import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PreparedStatement } from '@app/platform';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { DataSource, IsNull, LessThanOrEqual, Not } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { OwnershipChangeEntity } from './ownership-change.entity.js';
import { ThreadEntity } from './thread.entity.js';

export type NewOwnershipChange = Omit<OwnershipChangeEntity, 'id'>;

export interface OutboxMessage {
  /** The outbox row, once stored (set when the transaction writes it, before commit). */
  id?: string;
  subject: string;
  msgId: string;
  payload: Record<string, unknown>;
}

/*
 * The locked path runs on the pg driver with named statements: PostgreSQL parses and plans each
 * once per connection, and a change costs four round trips (BEGIN, lock, one write, COMMIT)
 * instead of TypeORM's six plus its query building, which was most of this service's CPU per
 * pass/take.
 */
const THREAD_COLUMNS = 'page_id, psid, owner_app_id, owner_since, last_activity_at, expires_at, last_event_seq, owner_since_seq, version';

const LOCK_THREAD = {
  name: 'thread_ownership_lock_thread_v1',
  text: `SELECT ${THREAD_COLUMNS} FROM thread_ownership.thread WHERE page_id = $1 AND psid = $2 FOR UPDATE`,
};

/** First event of a thread: the row is created idle; a concurrent creator wins harmlessly. */
const CREATE_THREAD = {
  name: 'thread_ownership_create_thread_v1',
  text: `INSERT INTO thread_ownership.thread (page_id, psid, owner_app_id, last_event_seq, version) VALUES ($1, $2, NULL, 0, 0) ON CONFLICT DO NOTHING`,
};

/**
 * Everything a transaction changed, in one statement: the locked row (only when `$10`), its audit
 * rows and its outbox rows. Data-modifying CTEs all run, whether or not the final SELECT reads
 * them. The rows travel as one JSON array each: serialised once, with the outbox payloads nested
 * as they are (an array parameter would escape every payload's quotes again).
 */
const WRITE_CHANGES = {
  name: 'thread_ownership_write_changes_v2',
  text: `WITH thread AS (
       UPDATE thread_ownership.thread
          SET owner_app_id = $3, owner_since = $4, last_activity_at = $5, expires_at = $6,
              last_event_seq = $7, owner_since_seq = $8, version = $9
        WHERE $10::boolean AND page_id = $1 AND psid = $2),
     audit AS (
       INSERT INTO thread_ownership.ownership_change (page_id, psid, action, actor_app_id, from_app_id, to_app_id, metadata, at, stream_seq)
       SELECT a.page_id, a.psid, a.action, a.actor_app_id, a.from_app_id, a.to_app_id, a.metadata, a.at, a.stream_seq
         FROM jsonb_to_recordset($11::jsonb) AS a(page_id varchar, psid varchar, action varchar, actor_app_id varchar, from_app_id varchar,
                                                  to_app_id varchar, metadata text, at timestamptz, stream_seq bigint)),
     outbox AS (
       INSERT INTO thread_ownership.outbox (subject, msg_id, payload, created_at)
       SELECT o.subject, o.msg_id, o.payload, o.created_at
         FROM jsonb_to_recordset($12::jsonb) AS o(subject varchar, msg_id varchar, payload jsonb, created_at timestamptz)
       RETURNING id, msg_id)
   SELECT id, msg_id FROM outbox`,
};

const OWNER_AT = {
  name: 'thread_ownership_owner_at_v1',
  text: `SELECT to_app_id FROM thread_ownership.ownership_change
          WHERE page_id = $1 AND psid = $2 AND stream_seq < $3 AND action <> 'request'
          ORDER BY stream_seq DESC, id DESC LIMIT 1`,
};

interface ThreadRow {
  page_id: string;
  psid: string;
  owner_app_id: string | null;
  owner_since: Date | null;
  last_activity_at: Date | null;
  expires_at: Date | null;
  last_event_seq: string;
  owner_since_seq: string;
  version: number;
}

/**
 * Work on one thread inside a transaction that holds its row lock: every ownership decision for
 * a thread is serialised here, across all replicas, so there is exactly one owner at every step.
 * Writes are collected and go to the database together, before any read of this transaction and
 * before commit, so the transaction sees its own writes and pays one round trip for all of them.
 */
export class ThreadTx {
  /** True when the row was created by this transaction: no event of this thread was ever routed. */
  readonly isNew: boolean;
  /** Work that must wait until the transaction has committed (publishing, cache broadcasts). */
  readonly afterCommit: Array<() => void> = [];
  ownerChanged = false;
  private threadChanged = false;
  private audits: NewOwnershipChange[] = [];
  private outbox: Array<{ message: OutboxMessage; createdAt: Date }> = [];

  constructor(
    private readonly client: PoolClient,
    readonly thread: ThreadEntity,
  ) {
    this.isNew = thread.version === 0;
  }

  /** The locked row, as changed in `thread`, is written back with the transaction's other writes. */
  async saveThread(): Promise<void> {
    this.thread.version += 1;
    this.threadChanged = true;
  }

  async audit(change: NewOwnershipChange): Promise<void> {
    this.audits.push(change);
  }

  /** Stores the messages with the transaction; their row ids are set before commit, for publishing right after. */
  async enqueue(messages: OutboxMessage[], now: Date): Promise<OutboxMessage[]> {
    const stored = messages.map((m) => ({ ...m }));
    for (const message of stored) this.outbox.push({ message, createdAt: now });
    return stored;
  }

  /** The owner that applied at stream position `seq` (from the audit log): for events stored before a change. */
  async ownerAt(seq: number): Promise<string | null> {
    await this.flush();
    const { rows } = await this.client.query<{ to_app_id: string | null }>({ ...OWNER_AT, values: [this.thread.pageId, this.thread.psid, seq] });
    return rows[0]?.to_app_id ?? null;
  }

  /**
   * Runs another repository's statement in this transaction, on its connection: work that belongs
   * with the thread's change commits (or not) with it, and needs no second pooled connection.
   */
  async run<R extends QueryResultRow>(statement: PreparedStatement<R>, values: unknown[]): Promise<R[]> {
    await this.flush();
    return statement.runOn(this.client, values);
  }

  /** Sends the collected writes (if any) in one statement. */
  async flush(): Promise<void> {
    if (!this.threadChanged && this.audits.length === 0 && this.outbox.length === 0) return;
    const [audits, outbox] = [this.audits, this.outbox];
    const written = this.threadChanged;
    [this.audits, this.outbox, this.threadChanged] = [[], [], false];
    const t = this.thread;
    const { rows } = await this.client.query<{ id: string; msg_id: string }>({
      ...WRITE_CHANGES,
      values: [
        t.pageId, t.psid, t.ownerAppId, t.ownerSince, t.lastActivityAt, t.expiresAt, t.lastEventSeq, t.ownerSinceSeq, t.version, written,
        JSON.stringify(audits.map(auditRow)),
        JSON.stringify(outbox.map(({ message, createdAt }) => ({ subject: message.subject, msg_id: message.msgId, payload: message.payload, created_at: createdAt }))),
      ],
    });
    const ids = new Map(rows.map((r) => [r.msg_id, String(r.id)]));
    for (const { message } of outbox) message.id = ids.get(message.msgId);
  }
}

@Injectable()
export class ThreadsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` with the thread's row locked (the row is created idle on first use). */
  async inThreadTransaction<T>(pageId: string, psid: string, work: (tx: ThreadTx) => Promise<T>): Promise<T> {
    const { tx, result } = await this.transaction(async (client) => {
      const locked = new ThreadTx(client, (await lockThread(client, pageId, psid)) ?? (await createAndLockThread(client, pageId, psid)));
      const value = await work(locked);
      await locked.flush();
      return { tx: locked, result: value };
    });
    for (const hook of tx.afterCommit) hook();
    return result;
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

  /** BEGIN … COMMIT on one pooled connection (TypeORM's pg pool, so its limit covers this path too). */
  private async transaction<T>(body: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await ((this.dataSource.driver as PostgresDriver).master as Pool).connect();
    // A connection lost while checked out emits 'error' (its query fails too); unheard, it would
    // end the process. Such a connection is dropped by the pool instead of being reused.
    let broken: Error | undefined;
    const onError = (error: Error) => void (broken = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const value = await body(client);
      await client.query('COMMIT');
      return value;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => void (broken ??= rollbackError));
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }
}

async function lockThread(client: PoolClient, pageId: string, psid: string): Promise<ThreadEntity | null> {
  const { rows } = await client.query<ThreadRow>({ ...LOCK_THREAD, values: [pageId, psid] });
  return rows[0] ? toThread(rows[0]) : null;
}

async function createAndLockThread(client: PoolClient, pageId: string, psid: string): Promise<ThreadEntity> {
  await client.query({ ...CREATE_THREAD, values: [pageId, psid] });
  const thread = await lockThread(client, pageId, psid);
  if (!thread) throw new Error(`thread ${pageId}/${psid} vanished inside its transaction`);
  return thread;
}

function toThread(row: ThreadRow): ThreadEntity {
  return Object.assign(new ThreadEntity(), {
    pageId: row.page_id,
    psid: row.psid,
    ownerAppId: row.owner_app_id,
    ownerSince: row.owner_since,
    lastActivityAt: row.last_activity_at,
    expiresAt: row.expires_at,
    lastEventSeq: Number(row.last_event_seq),
    ownerSinceSeq: Number(row.owner_since_seq),
    version: row.version,
  });
}

/** An audit row with the column names `jsonb_to_recordset` matches. */
function auditRow(a: NewOwnershipChange) {
  return { page_id: a.pageId, psid: a.psid, action: a.action, actor_app_id: a.actorAppId, from_app_id: a.fromAppId, to_app_id: a.toAppId, metadata: a.metadata, at: a.at, stream_seq: a.streamSeq };
}
