import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { ThreadOwnershipSettings } from '../../apps/thread-ownership/src/config/thread-ownership-settings.js';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment.js';

/**
 * thread-ownership's hand-written statements against the real PostgreSQL: the routing fast path's
 * write (batched, version-checked, never moving a thread backwards; the routing behaviour around
 * it is in thread-ownership.e2e-spec), the outbox's retention and the sent messages' retention.
 */
describe('thread-ownership storage (PostgreSQL)', () => {
  let env: TestEnvironment;
  let dataSource: DataSource;
  let repository: import('../../apps/thread-ownership/src/routing/routing-writes.repository.js').RoutingWritesRepository;
  let outbox: import('../../apps/thread-ownership/src/delivery/outbox.repository.js').OutboxRepository;
  const now = new Date('2026-11-30T12:00:00.000Z');
  const later = new Date('2026-12-01T12:00:00.000Z');

  beforeAll(async () => {
    env = await createTestEnvironment();
    const { threadOwnershipDataSourceOptions } = await import('../../apps/thread-ownership/src/data-source.js');
    const { RoutingWritesRepository } = await import('../../apps/thread-ownership/src/routing/routing-writes.repository.js');
    const { OutboxRepository } = await import('../../apps/thread-ownership/src/delivery/outbox.repository.js');
    // One connection: the HOT check below reads the statistics of the backend that did the writes.
    const options = threadOwnershipDataSourceOptions(env.databaseUrl);
    dataSource = new DataSource({ ...options, extra: { ...(options.extra as object), max: 1 } } as typeof options);
    await dataSource.initialize();
    await dataSource.query('CREATE SCHEMA IF NOT EXISTS thread_ownership');
    await dataSource.runMigrations();
    repository = new RoutingWritesRepository(dataSource);
    outbox = new OutboxRepository(dataSource);
    await dataSource.query(
      `INSERT INTO thread_ownership.thread (page_id, psid, owner_app_id, last_event_seq, version)
       SELECT 'p1', 'u' || g, 'bot-a', 10, 3 FROM generate_series(1, 7) g`,
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await env?.cleanup();
  });

  const record = (psid: string, streamSeq: number, version: number, activity = false, expiresAt = later) =>
    repository.record({ pageId: 'p1', psid, streamSeq, version, now, activity, expiresAt: activity ? expiresAt : null, refreshExpiryBefore: activity ? new Date(expiresAt.getTime() - 60_000) : null });

  const row = async (psid: string) =>
    (await dataSource.query(`SELECT last_event_seq, expires_at, last_activity_at FROM thread_ownership.thread WHERE page_id = 'p1' AND psid = $1`, [psid]))[0] as {
      last_event_seq: string;
      expires_at: Date | null;
      last_activity_at: Date | null;
    };

  it('writes concurrent events in one go and refuses each stale one on its own', async () => {
    const results = await Promise.all([
      record('u1', 11, 3, true), // current version, new position, a user interaction
      record('u2', 12, 2), // cached version is stale: the locked path must decide
      record('u3', 10, 3), // position already routed: a redelivery
      record('u4', 13, 3),
    ]);
    expect(results).toEqual([true, false, false, true]);
    expect(await row('u1')).toMatchObject({ last_event_seq: '11', expires_at: later, last_activity_at: now });
    expect(await row('u2')).toMatchObject({ last_event_seq: '10', expires_at: null });
    expect(await row('u3')).toMatchObject({ last_event_seq: '10' });
    expect(await row('u4')).toMatchObject({ last_event_seq: '13', expires_at: null });
  });

  it('answers no for a second event of the same thread in one batch (the locked path decides it)', async () => {
    // The first write goes out alone at once; the two that arrive while it is in flight share the next.
    const [, ...results] = await Promise.all([record('u4', 40, 3), record('u5', 20, 3), record('u5', 21, 3)]);
    expect(results).toEqual([true, false]);
    expect((await row('u5')).last_event_seq).toBe('20'); // the first of the two was written, the repeat not
  });

  it('keeps the activity of a thread when the event is not an interaction', async () => {
    await record('u6', 30, 3, true);
    expect(await record('u6', 31, 3, false)).toBe(true);
    expect(await row('u6')).toMatchObject({ last_event_seq: '31', expires_at: later, last_activity_at: now });
  });

  it('does not wait for a thread an ownership change holds locked: that event takes the locked path', async () => {
    // A connection of its own, as another replica's ownership change would hold it.
    const change = new pg.Client({ connectionString: env.databaseUrl });
    await change.connect();
    await change.query('BEGIN');
    try {
      await change.query(`SELECT 1 FROM thread_ownership.thread WHERE page_id = 'p1' AND psid = 'u7' FOR UPDATE`);
      // Had the write waited for the lock, it would wait until the ROLLBACK below: give up after 5 s.
      const waited = new Promise<'waited on the lock'>((resolve) => setTimeout(() => resolve('waited on the lock'), 5_000).unref());
      const results = await Promise.race([Promise.all([record('u7', 50, 3), record('u1', 50, 3)]), waited]);
      expect(results).toEqual([false, true]);
    } finally {
      await change.query('ROLLBACK');
      await change.end();
    }
    expect(await row('u7')).toMatchObject({ last_event_seq: '10' });
  });

  it('moves the stored expiry only when it trails by more than the margin (the write stays HOT otherwise)', async () => {
    const hot = async () => Number((await dataSource.query(`SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'thread'`))[0].n_tup_hot_upd);
    await dataSource.query('SELECT pg_stat_force_next_flush()');
    const hotBefore = await hot();
    expect(await record('u3', 60, 3, true, later)).toBe(true);
    expect((await row('u3')).expires_at).toEqual(later);
    const slightlyLater = new Date(later.getTime() + 30_000);
    expect(await record('u3', 61, 3, true, slightlyLater)).toBe(true);
    expect((await row('u3')).expires_at).toEqual(later); // within the minute's margin: left alone
    const muchLater = new Date(later.getTime() + 120_000);
    expect(await record('u3', 62, 3, true, muchLater)).toBe(true);
    expect((await row('u3')).expires_at).toEqual(muchLater);
    // The one backend flushes its statistics after its next statement; the update that left the
    // indexed column alone was HOT (the first and the last ones were not).
    await dataSource.query('SELECT pg_stat_force_next_flush()');
    expect(await hot()).toBeGreaterThan(hotBefore);
  });

  it('prunes published outbox rows past the retention, oldest first, and never an unpublished one', async () => {
    const day = (n: number) => new Date(Date.UTC(2026, 10, n));
    await dataSource.query(
      `INSERT INTO thread_ownership.outbox (subject, msg_id, payload, created_at, published_at)
       VALUES ('s', 'old-1', '{}', $1, $1), ('s', 'old-unpublished', '{}', $1, NULL), ('s', 'old-2', '{}', $2, $2), ('s', 'new', '{}', $3, $3)`,
      [day(1), day(2), day(10)],
    );
    const remaining = async () => (await dataSource.query('SELECT msg_id FROM thread_ownership.outbox ORDER BY id')).map((r: { msg_id: string }) => r.msg_id);
    expect(await outbox.prunePublished(day(5), 1)).toBe(1);
    expect(await remaining()).toEqual(['old-unpublished', 'old-2', 'new']);
    expect(await outbox.prunePublished(day(5), 100)).toBe(1);
    expect(await remaining()).toEqual(['old-unpublished', 'new']);
    expect(await outbox.prunePublished(day(5), 100)).toBe(0);
  });

  it('deletes sent messages past their retention, oldest first, in batches, and keeps the echo routing of the rest', async () => {
    const { SentMessagesRepository } = await import('../../apps/thread-ownership/src/outbound/sent-messages.repository.js');
    const { SentMessagesRetention } = await import('../../apps/thread-ownership/src/outbound/sent-messages-retention.service.js');
    const { ManualClock } = await import('@app/platform');
    const sent = new SentMessagesRepository(dataSource);
    const day = (n: number) => new Date(Date.UTC(2026, 10, n));
    // 5,002 old messages (more than one batch of 5,000), one just inside the retention, one new.
    await dataSource.query(
      `INSERT INTO thread_ownership.sent_message (message_id, app_id, page_id, psid, sent_at)
       SELECT 'm.old.' || g, 'bot-a', 'p1', 'u1', $1::timestamptz + g * interval '1 second' FROM generate_series(1, 5002) g`,
      [day(1)],
    );
    await sent.record({ messageId: 'm.edge', appId: 'bot-b', pageId: 'p1', psid: 'u1', sentAt: day(8) });
    await sent.record({ messageId: 'm.new', appId: 'bot-a', pageId: 'p1', psid: 'u1', sentAt: day(14) });

    expect(await sent.pruneSentBefore(day(2), 2)).toBe(2);
    expect(await sent.senderOf('m.old.1')).toBeNull(); // the oldest went first
    expect(await sent.senderOf('m.old.3')).toBe('bot-a');

    const retention = new SentMessagesRetention(sent, new ManualClock(day(15)), { sentMessageRetentionMs: 7 * 86_400_000 } as ThreadOwnershipSettings);
    expect(await retention.prune()).toBe(5000); // one full batch, then a short (empty) one ends the pass
    const left = (await dataSource.query('SELECT message_id FROM thread_ownership.sent_message ORDER BY sent_at')).map((r: { message_id: string }) => r.message_id);
    expect(left).toEqual(['m.edge', 'm.new']);
    expect(await sent.senderOf('m.edge')).toBe('bot-b');
    expect(await retention.prune()).toBe(0);
  });
});
