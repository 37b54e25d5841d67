import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment.js';

/**
 * The routing fast path's write against the real PostgreSQL: batched, version-checked, never
 * moving a thread backwards. (The routing behaviour around it is in thread-ownership.e2e-spec.)
 */
describe('routing writes (PostgreSQL)', () => {
  let env: TestEnvironment;
  let dataSource: DataSource;
  let repository: import('../../apps/thread-ownership/src/routing/routing-writes.repository.js').RoutingWritesRepository;
  const now = new Date('2026-11-30T12:00:00.000Z');
  const later = new Date('2026-12-01T12:00:00.000Z');

  beforeAll(async () => {
    env = await createTestEnvironment();
    const { threadOwnershipDataSourceOptions } = await import('../../apps/thread-ownership/src/data-source.js');
    const { RoutingWritesRepository } = await import('../../apps/thread-ownership/src/routing/routing-writes.repository.js');
    dataSource = new DataSource(threadOwnershipDataSourceOptions(env.databaseUrl));
    await dataSource.initialize();
    await dataSource.query('CREATE SCHEMA IF NOT EXISTS thread_ownership');
    await dataSource.runMigrations();
    repository = new RoutingWritesRepository(dataSource);
    await dataSource.query(
      `INSERT INTO thread_ownership.thread (page_id, psid, owner_app_id, last_event_seq, version)
       SELECT 'p1', 'u' || g, 'bot-a', 10, 3 FROM generate_series(1, 7) g`,
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await env?.cleanup();
  });

  const record = (psid: string, streamSeq: number, version: number, activity = false) =>
    repository.record({ pageId: 'p1', psid, streamSeq, version, now, activity, expiresAt: activity ? later : null });

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
    expect(Number((await row('u5')).last_event_seq)).toBeGreaterThanOrEqual(20);
  });

  it('keeps the activity of a thread when the event is not an interaction', async () => {
    await record('u6', 30, 3, true);
    expect(await record('u6', 31, 3, false)).toBe(true);
    expect(await row('u6')).toMatchObject({ last_event_seq: '31', expires_at: later, last_activity_at: now });
  });

  it('does not wait for a thread an ownership change holds locked: that event takes the locked path', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`SELECT 1 FROM thread_ownership.thread WHERE page_id = 'p1' AND psid = 'u7' FOR UPDATE`);
      const started = Date.now();
      const results = await Promise.all([record('u7', 50, 3), record('u1', 50, 3)]);
      expect(results).toEqual([false, true]);
      expect(Date.now() - started).toBeLessThan(5_000); // it did not sit on the lock until the transaction ended
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect(await row('u7')).toMatchObject({ last_event_seq: '10' });
  });
});
