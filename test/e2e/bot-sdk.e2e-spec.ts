import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Bot, ErrorCode, RpcError, type BotEventDelivered } from '@app/bot-sdk';
import { botConsumerName, botEventSubject, streamName } from '@app/contracts';
import { ensureStreams } from '@app/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 6: the SDK's delivery guarantees against the real NATS, without the suite: events are
 * published straight to a private BOTS stream, as thread-ownership would.
 */
describe('bot SDK', () => {
  const prefix = `sdk${randomBytes(4).toString('hex')}`;
  const stream = streamName(prefix, 'BOTS');
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  const bots: Bot[] = [];
  let seq = 0;

  const connectBot = async (appId: string, options: Partial<Parameters<typeof Bot.connect>[0]> = {}) => {
    const bot = await Bot.connect({ appId, servers: NATS_URL, prefix, ...options });
    bots.push(bot);
    return bot;
  };

  /** Publishes one event to an app, as routing does; returns its idempotency key. */
  const publish = async (appId: string, psid: string): Promise<string> => {
    const key = `message:m_${++seq}:${appId}`;
    const event: BotEventDelivered = {
      idempotencyKey: key,
      appId,
      pageId: '1000001',
      psid,
      channel: 'messaging',
      kind: 'message',
      timestamp: Date.now(),
      ownerAppId: appId,
      event: { sender: { id: psid }, recipient: { id: '1000001' }, message: { mid: `m_${seq}`, text: `event ${seq}` } },
    };
    await js.publish(`${prefix}.${botEventSubject(appId, 'messaging')}`, JSON.stringify(event), { msgID: key });
    return key;
  };

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, prefix, { eventDedupeWindowMs: 60_000, botDedupeWindowMs: 60_000, maxAgeMs: 60 * 60_000 });
  });

  afterAll(async () => {
    for (const bot of bots) await bot.close().catch(() => undefined);
    for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix.toUpperCase()}_`)) await jsm.streams.delete(name);
    await nc?.close();
  });

  it('shares one durable between replicas: each event is handled by exactly one of them', async () => {
    const handled: Array<{ replica: string; key: string }> = [];
    for (const replica of ['one', 'two']) {
      const bot = await connectBot('twins');
      bot.onMessaging(async (event) => {
        await sleep(10);
        handled.push({ replica, key: event.idempotencyKey });
      });
      await bot.start();
    }
    const keys: string[] = [];
    for (let i = 0; i < 60; i++) keys.push(await publish('twins', String(7000 + (i % 12))));

    await waitFor(() => (handled.length >= keys.length ? true : undefined), 'all 60 events to be handled');
    await sleep(500); // any duplicate would show up now
    expect(handled.map((h) => h.key).sort()).toEqual([...keys].sort());
    expect(new Set(handled.map((h) => h.replica))).toEqual(new Set(['one', 'two']));
    const info = await jsm.consumers.info(stream, botConsumerName('twins'));
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });

  it('closes gracefully: the event in flight completes and is acked, fetched ones go to another replica at once', async () => {
    const ackWaitMs = 20_000;
    const handled: Array<{ replica: string; key: string; at: number }> = [];
    let inFlight: string | undefined;
    const old = await connectBot('rolling', { concurrency: 1, ackWaitMs });
    old.onMessaging(async (event) => {
      inFlight = event.idempotencyKey;
      await sleep(1500);
      handled.push({ replica: 'old', key: event.idempotencyKey, at: Date.now() });
    });
    await old.start();
    const keys = [await publish('rolling', '8001'), await publish('rolling', '8002'), await publish('rolling', '8003')];
    const first = await waitFor(() => inFlight, 'the first handler to start');

    const replacement = await connectBot('rolling', { ackWaitMs });
    replacement.onMessaging(async (event) => void handled.push({ replica: 'new', key: event.idempotencyKey, at: Date.now() }));
    await replacement.start();
    const closedAt = Date.now();
    await old.close();

    // close() returned only after the slow handler finished and its ack was flushed.
    expect(handled.filter((h) => h.replica === 'old').map((h) => h.key)).toEqual([first]);
    await waitFor(() => (handled.length >= keys.length ? true : undefined), 'the other events on the new replica');
    const moved = handled.filter((h) => h.replica === 'new');
    expect(moved.map((h) => h.key).sort()).toEqual(keys.filter((k) => k !== first).sort());
    expect(Math.max(...moved.map((h) => h.at)) - closedAt).toBeLessThan(ackWaitMs / 4); // handed back (nak), not timed out

    await sleep(1000);
    expect(handled).toHaveLength(keys.length); // nothing redelivered: the in-flight event was acked
    const info = await jsm.consumers.info(stream, botConsumerName('rolling'));
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
  });

  it("handles each event of a busy thread once: events queued behind their thread's earlier ones do not run out their ack wait", async () => {
    const handled: string[] = [];
    const bot = await connectBot('slowpoke', { ackWaitMs: 1000 });
    bot.onMessaging(async (event) => {
      await sleep(300);
      handled.push(event.idempotencyKey);
    });
    await bot.start();
    const keys: string[] = [];
    for (let i = 0; i < 8; i++) keys.push(await publish('slowpoke', '8100'));

    await waitFor(() => (handled.length >= keys.length ? true : undefined), 'all 8 events of the thread', 20_000);
    await sleep(1500); // a copy redelivered after the ack wait would be handled now
    expect(handled).toEqual(keys); // once each, in order (2.4 s of handling against a 1 s ack wait)
    const info = await jsm.consumers.info(stream, botConsumerName('slowpoke'));
    expect(info.num_redelivered).toBe(0);
  });

  it('says when it stopped receiving by itself (the connection closed for good), and that close() was a clean stop', async () => {
    const orphan = await connectBot('orphan');
    orphan.onMessaging(() => undefined);
    await orphan.start();
    await (orphan as unknown as { nc: NatsConnection }).nc.close(); // as after the server refused it for good
    const reason = await Promise.race([orphan.stopped, sleep(5000).then(() => 'still waiting')]);
    expect(reason).toBeInstanceOf(Error);

    const clean = await connectBot('clean-stop');
    clean.onMessaging(() => undefined);
    await clean.start();
    await clean.close();
    expect(await clean.stopped).toBeUndefined();
  });

  it('starts all the same when no suite answers which Pages the app is on: one info line, no warning', async () => {
    const lines: Array<{ level: string; message: string }> = [];
    const logger = {
      info: (message: string) => void lines.push({ level: 'info', message }),
      warn: (message: string) => void lines.push({ level: 'warn', message }),
      error: (message: string) => void lines.push({ level: 'error', message }),
    };
    const early = await connectBot('early-bird', { logger }); // no thread-ownership on this prefix
    early.onMessaging(() => undefined);
    await early.start();
    await waitFor(() => lines.find((l) => /could not ask the suite which Pages/.test(l.message)), 'the unanswered registration check');
    expect(lines.map((l) => l.level)).toEqual(['info']);
    await expect(early.suite.myPages()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('fails start() with a clear message, after consumerWaitMs, when there is nothing to bind to', async () => {
    const lonely = await connectBot('lonely', { prefix: `${prefix}x`, consumerWaitMs: 800 });
    const started = Date.now();
    await expect(lonely.start()).rejects.toThrow(/bot-lonely .* does not exist: is the suite running, and app lonely registered on a Page/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });

  it('acks an event whose handler got a final refusal from the suite (another delivery would get the same answer)', async () => {
    const reports: unknown[] = [];
    const sub = nc.subscribe(`${prefix}.health.refused`, { callback: (_e, m) => void reports.push(m.json()) });
    const bot = await connectBot('refused', { maxDeliver: 3 });
    let calls = 0;
    bot.onMessaging(async () => {
      calls += 1;
      throw new RpcError(ErrorCode.UserUnavailable, 'Meta: this person cannot receive messages from the Page right now', { code: 551 });
    });
    await bot.start();
    await publish('refused', '8200');
    await waitFor(() => (calls >= 1 ? true : undefined), 'the handler');
    await sleep(1200); // a nak'ed event would be back by now (200 ms, then 400 ms)
    expect(calls).toBe(1);
    const info = await jsm.consumers.info(stream, botConsumerName('refused'));
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    expect(reports).toEqual([]); // not a failure of the bot: nothing reported
    sub.unsubscribe();
  });

  it('reports why an event failed on <p>.health.<appId> before giving it back', async () => {
    const reports: unknown[] = [];
    const sub = nc.subscribe(`${prefix}.health.flaky`, { callback: (_e, m) => void reports.push(m.json()) });
    const bot = await connectBot('flaky', { maxDeliver: 2 });
    bot.onMessaging(async () => {
      throw new Error('database down');
    });
    await bot.start();
    const key = await publish('flaky', '8100');
    await waitFor(() => (reports.length >= 2 ? true : undefined), 'two failure reports');
    expect(reports[0]).toMatchObject({ appId: 'flaky', outcome: 'nak', deliveryCount: 1, idempotencyKey: key, reason: 'Error: database down' });
    expect(reports[1]).toMatchObject({ deliveryCount: 2 });
    sub.unsubscribe();
  });
});
