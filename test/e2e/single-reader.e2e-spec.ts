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
describe('single reader: leader lease, ordered batches, thread-ordered consumer', () => {
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

  describe('ThreadOrderedConsumer', () => {
    const schema = z.object({ key: z.string(), n: z.number() });
    type Msg = { key: string; n: number };
    let published = 0;
    const publish = (subject: string, key: string, n: number) =>
      nats.js.publish(nats.subject(subject), JSON.stringify({ key, n }), { msgID: `${subject}:${key}:${n}:${++published}` });

    function consumer(durable: string, subject: string, handle: (m: Msg) => Promise<void>, extra: Partial<import('@app/messaging').ThreadOrderedSpec<typeof schema>> = {}) {
      return new messaging.ThreadOrderedConsumer(nats, { stream: 'EVENTS', durable, filterSubject: subject, schema, keyOf: (m) => m.key, maxAckPending: 64, concurrency: 8, ackWaitMs: 1000, handle, ...extra });
    }
    const info = (durable: string) => nats.jsm.consumers.info(`${env.prefix.toUpperCase()}_EVENTS`, durable);
    const byKey = (seen: Msg[], key: string) => seen.filter((m) => m.key === key).map((m) => m.n);

    it("keeps each key's messages in order while other keys go past a slow one", async () => {
      for (let n = 1; n <= 5; n++) for (const key of ['slow', 'b', 'c']) await publish('events.thread-a', key, n);
      const seen: Msg[] = [];
      let release!: () => void;
      const slowFirst = new Promise<void>((resolve) => (release = resolve));
      const stop = new AbortController();
      const running = consumer('thread-a', 'events.thread-a', async (m) => {
        if (m.key === 'slow' && m.n === 1) await slowFirst;
        seen.push(m);
      }).run(stop.signal);
      await waitFor(() => (byKey(seen, 'b').length === 5 && byKey(seen, 'c').length === 5) || undefined, 'b and c handled while slow:1 runs');
      expect(byKey(seen, 'slow')).toEqual([]); // slow:2… wait behind slow:1
      release();
      await waitFor(() => seen.length >= 15 || undefined, 'all fifteen');
      stop.abort();
      await running;
      expect(byKey(seen, 'slow')).toEqual([1, 2, 3, 4, 5]);
      expect(byKey(seen, 'b')).toEqual([1, 2, 3, 4, 5]);
      expect(seen).toHaveLength(15);
      const state = await info('thread-a');
      expect(state.num_ack_pending).toBe(0);
      expect(state.ack_floor.stream_seq).toBe(state.delivered.stream_seq);
    });

    it("retries a failed message in place, before its key's next one, and keeps it in hand past the ack wait", async () => {
      for (let n = 1; n <= 3; n++) for (const key of ['x', 'y']) await publish('events.thread-b', key, n);
      const seen: Msg[] = [];
      const started = Date.now();
      const stop = new AbortController();
      const running = consumer('thread-b', 'events.thread-b', async (m) => {
        // x:2 fails for longer than the ack wait (1 s): it must neither be redelivered behind x:3 nor let x:3 pass.
        if (m.key === 'x' && m.n === 2 && Date.now() - started < 1800) throw new Error('database away');
        seen.push(m);
      }).run(stop.signal);
      await waitFor(() => seen.length >= 6 || undefined, 'all six', 15_000);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // a redelivery would show up now
      stop.abort();
      await running;
      expect(byKey(seen, 'x')).toEqual([1, 2, 3]);
      expect(byKey(seen, 'y')).toEqual([1, 2, 3]);
      expect(seen).toHaveLength(6);
    });

    it('gives the next reader what the last one held first, from the ack floor, each key still in order', async () => {
      for (let n = 1; n <= 4; n++) for (const key of ['p', 'q']) await publish('events.thread-c', key, n);
      const first = new AbortController();
      const firstSeen: Msg[] = [];
      const firstRun = consumer('thread-c', 'events.thread-c', async (m) => {
        if (m.key === 'p' && m.n === 2) {
          first.abort(); // the leader goes away while p:2 is being handled: p:2 stays unacked
          throw new Error('lost the database');
        }
        firstSeen.push(m);
      }).run(first.signal);
      await firstRun;
      expect(byKey(firstSeen, 'p')).toEqual([1]);
      for (let n = 5; n <= 6; n++) for (const key of ['p', 'q']) await publish('events.thread-c', key, n); // newer ones meanwhile
      const second = new AbortController();
      const secondSeen: Msg[] = [];
      const secondRun = consumer('thread-c', 'events.thread-c', async (m) => void secondSeen.push(m)).run(second.signal);
      await waitFor(() => byKey(secondSeen, 'p').length >= 5 || undefined, 'p:2…6 handled by the next reader', 5_000);
      second.abort();
      await secondRun;
      expect(byKey(secondSeen, 'p')).toEqual([2, 3, 4, 5, 6]);
      // q's messages after the floor may come again (already handled ones included): in order, none lost.
      const q = [...byKey(firstSeen, 'q'), ...byKey(secondSeen, 'q')];
      expect([...new Set(q)].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(byKey(secondSeen, 'q')).toEqual([...byKey(secondSeen, 'q')].sort((a, b) => a - b));
    });

    it('starts a new durable where firstStartSeq says, and moves an invalid message to the dead letters', async () => {
      await publish('events.thread-d', 'k', 1);
      const second = await publish('events.thread-d', 'k', 2);
      await nats.js.publish(nats.subject('events.thread-d'), JSON.stringify('garbage'), { msgID: 'thread-d:garbage' });
      await publish('events.thread-d', 'k', 3);
      const deadBefore = (await nats.jsm.streams.info(`${env.prefix.toUpperCase()}_DEAD`)).state.messages;
      const seen: Msg[] = [];
      let opened = 0;
      const stop = new AbortController();
      const running = consumer('thread-d', 'events.thread-d', async (m) => void seen.push(m), {
        firstStartSeq: async () => second.seq,
        opened: async () => void opened++,
      }).run(stop.signal);
      await waitFor(() => byKey(seen, 'k').length >= 2 || undefined, 'k:2 and k:3');
      const dead = await waitFor(async () => {
        const state = (await nats.jsm.streams.info(`${env.prefix.toUpperCase()}_DEAD`)).state.messages;
        return state > deadBefore ? state : undefined;
      }, 'the invalid message in DEAD');
      stop.abort();
      await running;
      expect(byKey(seen, 'k')).toEqual([2, 3]);
      expect(dead).toBe(deadBefore + 1);
      expect(opened).toBe(1);
    });
  });

  describe('firstUnackedAcross (replacing per-partition durables)', () => {
    const stream = () => `${env.prefix.toUpperCase()}_EVENTS`;
    const put = (partition: number, n: number) => nats.js.publish(nats.subject(`events.mig.${partition}`), JSON.stringify({ n }), { msgID: `mig:${partition}:${n}` });
    const oldDurable = (partition: number) =>
      nats.jsm.consumers.add(stream(), { durable_name: `mig-${partition}`, ack_policy: messagingAck.Explicit, filter_subject: nats.subject(`events.mig.${partition}`), max_ack_pending: 1 });
    let messagingAck: typeof import('@nats-io/jetstream').AckPolicy;

    beforeAll(async () => {
      messagingAck = (await import('@nats-io/jetstream')).AckPolicy;
    });

    /** Pulls and acks `count` messages of one old durable (what the old routing did). */
    async function routeOld(partition: number, count: number) {
      const consumer = await nats.js.consumers.get(stream(), `mig-${partition}`);
      for (let i = 0; i < count; i++) {
        const message = await consumer.next({ expires: 2000 });
        await message?.ackAck();
      }
    }

    it('answers undefined without old durables, and otherwise the first message one of them has not acknowledged', async () => {
      expect(await messaging.firstUnackedAcross(nats.jsm, stream(), /^mig-\d+$/)).toBeUndefined();
      for (const p of [0, 1, 2]) await oldDurable(p);
      const seqs: Record<string, number> = {};
      // Partition 2's first message comes after others': its ack floor (0) is not where it stands.
      for (const [p, n] of [[0, 1], [1, 1], [0, 2], [2, 1], [1, 2], [0, 3]] as const) seqs[`${p}:${n}`] = (await put(p, n)).seq;
      await routeOld(0, 3); // partition 0: everything routed
      await routeOld(1, 1); // partition 1: 1:2 not yet
      // partition 2: nothing routed
      const start = await messaging.firstUnackedAcross(nats.jsm, stream(), /^mig-\d+$/);
      expect(start).toBe(seqs['2:1']);
      await routeOld(2, 1); // now only 1:2 is outstanding
      expect(await messaging.firstUnackedAcross(nats.jsm, stream(), /^mig-\d+$/)).toBe(seqs['1:2']);
      await routeOld(1, 1); // all caught up: start after the stream's last message
      const last = (await nats.jsm.streams.info(stream())).state.last_seq;
      expect(await messaging.firstUnackedAcross(nats.jsm, stream(), /^mig-\d+$/)).toBe(last + 1);
      // Once replaced, the old durables go; nothing else does.
      expect(await messaging.deleteConsumersMatching(nats.jsm, stream(), /^mig-\d+$/)).toBe(3);
      expect(await messaging.firstUnackedAcross(nats.jsm, stream(), /^mig-\d+$/)).toBeUndefined();
      expect((await nats.jsm.consumers.info(stream(), 'thread-a')).name).toBe('thread-a');
    });
  });
});
