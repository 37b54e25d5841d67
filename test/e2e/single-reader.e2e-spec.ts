import 'reflect-metadata';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The two pieces behind a single reader of a stream (the notifications service's events
 * consumer): the leader lease on the real PostgreSQL, and the ordered batch consumer on the real
 * JetStream (batches in stream order, one ack per batch, retries in order, redelivery to the
 * next leader, dead letters).
 */
describe('single reader: leader lease and ordered batches', () => {
  let env: TestEnvironment;
  let platform: typeof import('@app/platform');
  let messaging: typeof import('@app/messaging');
  let nats: import('@app/messaging').NatsConnectionService;

  beforeAll(async () => {
    env = await createTestEnvironment();
    platform = await import('@app/platform');
    messaging = await import('@app/messaging');
    nats = await messaging.NatsConnectionService.connect(messaging.messagingOptionsFromEnv('single-reader-test', process.env));
    await messaging.ensureStreams(nats.jsm, env.prefix, messaging.streamSettingsFromEnv(process.env));
  });

  afterAll(async () => {
    await nats?.nc.close();
    await env?.cleanup();
  });

  describe('LeaderLease', () => {
    const lease = (name: string) => new platform.LeaderLease({ connectionString: env.databaseUrl, name, retryMs: 100, checkMs: 100 });

    /** Work that runs until its lease is lost, recording who led when. */
    const recordingWork = (who: string, log: string[]) => async (lost: AbortSignal) => {
      log.push(`${who} leads`);
      await new Promise<void>((resolve) => lost.addEventListener('abort', () => resolve(), { once: true }));
      log.push(`${who} stops`);
    };

    /** Two replicas on one lease: a leads, then b campaigns. */
    async function aLeadsThenBCampaigns(name: string, log: string[]) {
      const [a, b] = [lease(name), lease(name)];
      a.start(recordingWork('a', log));
      await waitFor(() => log.includes('a leads') || undefined, 'a leads');
      b.start(recordingWork('b', log));
      return [a, b] as const;
    }

    it('lets one replica lead at a time and hands over when the leader stops', async () => {
      const log: string[] = [];
      const [a, b] = await aLeadsThenBCampaigns('handover', log);
      await new Promise((resolve) => setTimeout(resolve, 500)); // b campaigns several times meanwhile
      expect(log).toEqual(['a leads']);
      await a.stop();
      await waitFor(() => log.includes('b leads') || undefined, 'b takes over');
      expect(log).toEqual(['a leads', 'a stops', 'b leads']);
      await b.stop();
    });

    it('stops the work when its session is killed, and the lease is taken again', async () => {
      const log: string[] = [];
      const [a, b] = await aLeadsThenBCampaigns('killed', log);
      const admin = new pg.Client({ connectionString: env.databaseUrl });
      await admin.connect();
      // The leader's session is the one holding the lease's advisory lock.
      // (Two-key advisory locks of this test's database only: pg_locks covers the whole cluster.)
      const killed = await admin.query(
        `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted AND d.datname = current_database() AND l.pid <> pg_backend_pid()`,
      );
      expect(killed.rowCount).toBe(1);
      await admin.end();
      // Either replica may win the next campaign (a included): what matters is that the work
      // stopped with the session and that exactly one leads again afterwards.
      await waitFor(() => (log.length >= 3 ? true : undefined), 'a leader again');
      expect(log.slice(0, 2)).toEqual(['a leads', 'a stops']);
      expect(log[2]).toMatch(/^[ab] leads$/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(log.filter((line) => line.endsWith('leads'))).toHaveLength(2);
      await Promise.all([a.stop(), b.stop()]);
    });
  });

  describe('OrderedBatchConsumer', () => {
    const schema = z.object({ n: z.number() });
    type Item = import('@app/messaging').BatchItem<{ n: number }>;
    const publish = (subject: string, n: unknown) =>
      nats.js.publish(nats.subject(subject), JSON.stringify(n === 'garbage' ? 'garbage' : { n }), { msgID: `${subject}:${n}` });

    function consumer(durable: string, subject: string, handle: (batch: Item[], deadLetter: (item: Item, reason: string) => Promise<void>) => Promise<void>) {
      return new messaging.OrderedBatchConsumer(nats, { stream: 'EVENTS', durable, filterSubject: subject, schema, maxBatch: 50, ackWaitMs: 1000, handle });
    }

    it('handles everything in stream order, in batches, and a failed batch again before anything after it', async () => {
      for (let n = 1; n <= 120; n++) await publish('events.batch-a', n);
      const seen: number[] = [];
      const sizes: number[] = [];
      let failures = 1;
      const stop = new AbortController();
      const running = consumer('batch-a', 'events.batch-a', async (batch) => {
        if (batch.some((i) => i.payload.n === 60) && failures-- > 0) throw new Error('database away');
        sizes.push(batch.length);
        seen.push(...batch.map((i) => i.payload.n));
      }).run(stop.signal);
      await waitFor(() => seen.length >= 120 || undefined, 'all 120 handled');
      stop.abort();
      await running;
      expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      expect(Math.max(...sizes)).toBeGreaterThan(1); // batches, not one by one
      const info = await nats.jsm.consumers.info(`${env.prefix.toUpperCase()}_EVENTS`, 'batch-a');
      expect(info.ack_floor.stream_seq).toBe(info.delivered.stream_seq); // every batch acked
      expect(info.num_ack_pending).toBe(0);
    });

    it('gives a batch whose reader stopped before acking to the next reader, from the first unacked message', async () => {
      for (let n = 1; n <= 10; n++) await publish('events.batch-b', n);
      const first = new AbortController();
      const firstSeen: number[] = [];
      const firstRun = consumer('batch-b', 'events.batch-b', async (batch) => {
        firstSeen.push(...batch.map((i) => i.payload.n));
        first.abort(); // the leader goes away mid-batch: nothing of it is acked
        throw new Error('lost the database too');
      }).run(first.signal);
      await firstRun;
      expect(firstSeen.length).toBeGreaterThan(0);
      const second = new AbortController();
      const secondSeen: number[] = [];
      const secondRun = consumer('batch-b', 'events.batch-b', async (batch) => void secondSeen.push(...batch.map((i) => i.payload.n))).run(second.signal);
      await waitFor(() => secondSeen.length >= 10 || undefined, 'the next reader gets all ten', 15_000);
      second.abort();
      await secondRun;
      expect(secondSeen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('gives the next reader the unacked messages before newer ones, so its first ack covers nothing unhandled', async () => {
      for (let n = 1; n <= 10; n++) await publish('events.batch-d', n);
      const first = new AbortController();
      const firstRun = consumer('batch-d', 'events.batch-d', async () => {
        first.abort(); // the leader goes away with 1–10 delivered and unacked
        throw new Error('lost the database');
      }).run(first.signal);
      await firstRun;
      for (let n = 11; n <= 15; n++) await publish('events.batch-d', n); // newer messages arrive meanwhile
      const second = new AbortController();
      const secondSeen: number[] = [];
      const secondRun = consumer('batch-d', 'events.batch-d', async (batch) => void secondSeen.push(...batch.map((i) => i.payload.n))).run(second.signal);
      // Without repositioning, 11–15 came at once and their ack covered 1–10, which never came back.
      await waitFor(() => secondSeen.length >= 15 || undefined, 'the next reader gets all fifteen', 5_000);
      second.abort();
      await secondRun;
      expect(secondSeen).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      const info = await nats.jsm.consumers.info(`${env.prefix.toUpperCase()}_EVENTS`, 'batch-d');
      expect(info.num_ack_pending).toBe(0);
      expect(info.ack_floor.stream_seq).toBe(info.delivered.stream_seq);
    });

    it('moves an invalid message and one the handler sets aside to the dead letters, and goes on', async () => {
      await publish('events.batch-c', 1);
      await publish('events.batch-c', 'garbage');
      await publish('events.batch-c', 3);
      const seen: number[] = [];
      const stop = new AbortController();
      const running = consumer('batch-c', 'events.batch-c', async (batch, deadLetter) => {
        for (const item of batch) {
          if (item.payload.n === 3) await deadLetter(item, 'cannot ever work');
          else seen.push(item.payload.n);
        }
      }).run(stop.signal);
      const dead = await waitFor(async () => {
        const info = await nats.jsm.streams.info(`${env.prefix.toUpperCase()}_DEAD`).catch(() => undefined);
        return info && info.state.messages >= 2 ? info : undefined;
      }, 'two dead letters');
      stop.abort();
      await running;
      expect(seen).toEqual([1]);
      expect(dead.state.messages).toBe(2);
    });
  });
});
