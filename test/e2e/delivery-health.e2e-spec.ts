import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { millis } from '@nats-io/nats-core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Bot, type BotEventDelivered } from '@app/bot-sdk';
import { botConsumerName, ErrorCode, RpcError, streamName } from '@app/contracts';
import { ManualClock } from '@app/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingBot, textOf } from '../support/recording-bot.js';
import { PAGE_ID, startSuite, type RunningSuite } from '../support/suite.js';
import { waitFor } from '../support/wait-for.js';

const HOUR = 60 * 60 * 1000;
const ACK_WAIT_MS = 1500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Mode = 'ok' | 'slow' | 'broken';

/**
 * Issue 6: Meta's "recent errors" and webhook disabling, for bot apps. thread-ownership keeps each
 * app's delivery health from what the NATS server reports; an app failing for
 * BOT_UNHEALTHY_AFTER_MS (moved with a controllable clock) is unsubscribed, its threads go back
 * to the default app, its events are dead-lettered, and resubscribing plus a replay recovers them.
 */
describe('delivery health of bot apps', () => {
  const clock = new ManualClock(new Date());
  let suite: RunningSuite;
  let nc: NatsConnection;
  let steady: RecordingBot;
  let flaky: Bot;
  let mode: Mode = 'ok';
  const flakyEvents: Array<BotEventDelivered & { deliveryCount: number }> = [];
  const psid = '7200001';

  const health = async () => (await suite.admin('GET', '/apps/flaky/health')).body;
  const waitForHealth = (predicate: (h: any) => boolean, what: string) =>
    waitFor(async () => {
      const h = await health();
      return predicate(h) ? h : undefined;
    }, what);
  const flakyGot = (predicate: (e: BotEventDelivered) => boolean, what: string) => waitFor(() => flakyEvents.find(predicate), `flaky to receive ${what}`);

  beforeAll(async () => {
    suite = await startSuite(
      { BOT_HEALTH_POLL_MS: '200', BOT_MAX_DELIVER: '3', BOT_ACK_WAIT_MS: String(ACK_WAIT_MS), BOT_UNHEALTHY_AFTER_MS: String(HOUR) },
      { ownershipClock: clock },
    );
    await suite.registerPage({ defaultOwnerAppId: 'steady', apps: [{ appId: 'steady' }, { appId: 'flaky' }] });
    nc = await connect({ servers: suite.env.natsUrl });
    const jsm = await jetstreamManager(nc);
    // The suite creates each bot's consumer when the app is registered, with its own settings.
    const info = await waitFor(
      () => jsm.consumers.info(streamName(suite.env.prefix, 'BOTS'), botConsumerName('flaky')).catch(() => undefined),
      'the suite to create bot-flaky',
    );
    expect(info.config).toMatchObject({ max_deliver: 3, sample_freq: '100%' });
    expect(millis(info.config.ack_wait ?? 0)).toBe(ACK_WAIT_MS);

    steady = await RecordingBot.start({ appId: 'steady', ...connection() });
    flaky = await startFlaky();
  });

  const connection = () => ({ servers: suite.env.natsUrl, prefix: suite.env.prefix });
  /** A bot whose behaviour the test switches: acks, too slow, or throwing. */
  const startFlaky = async () => {
    const bot = await Bot.connect({ appId: 'flaky', ...connection() });
    const handle = async (event: BotEventDelivered, ctx: { deliveryCount: number }) => {
      flakyEvents.push({ ...event, deliveryCount: ctx.deliveryCount });
      if (mode === 'broken') throw new Error('flaky is down');
      if (mode === 'slow' && ctx.deliveryCount === 1) await sleep(ACK_WAIT_MS + 1000);
    };
    bot.onMessaging(handle).onStandby(handle).onHandover(handle);
    await bot.start();
    return bot;
  };

  afterAll(async () => {
    await steady?.close();
    await flaky?.close();
    await nc?.close();
    await suite?.stop();
  });

  it('is healthy while the bot acks, and counts the acks', async () => {
    await suite.user.sendText(psid, 'hello');
    await steady.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'hello', 'the message');
    await flakyGot((e) => e.psid === psid && textOf(e) === 'hello', 'the standby copy');
    const h = await waitForHealth((x) => x.counters.acks >= 2, 'acks to be counted (app_roles + standby)');
    expect(h).toMatchObject({ appId: 'flaky', state: 'healthy', pages: [{ pageId: PAGE_ID, subscribed: true }], recentErrors: [] });
    expect(h.consumer).toMatchObject({ name: 'bot-flaky', ackPending: 0, maxDeliver: 3, ackWaitMs: ACK_WAIT_MS });
  });

  it('records a timeout and a redelivery when a replica dies holding an event (seen by the server)', async () => {
    await flaky.close();
    await steady.suite.passThreadControl({ pageId: PAGE_ID, psid, targetAppId: 'flaky', metadata: 'all yours' });
    // A replica takes the event and dies before answering: no ack, no nak.
    const consumer = await jetstream(nc).consumers.get(streamName(suite.env.prefix, 'BOTS'), botConsumerName('flaky'));
    const held = await consumer.next({ expires: 5000 });
    expect(held?.info.deliveryCount).toBe(1);

    flaky = await startFlaky();
    const pass = await flakyGot((e) => e.psid === psid && e.kind === 'pass_thread_control', 'the redelivered pass');
    expect(pass.deliveryCount).toBe(2);
    const h = await waitForHealth((x) => x.counters.timeouts >= 1 && x.counters.redeliveries >= 1, 'the timeout and the redelivery');
    expect(h.recentErrors[0]).toMatchObject({ kind: 'timeout', deliveryCount: 1, idempotencyKey: pass.idempotencyKey, pageId: PAGE_ID, psid });
    expect(h.state).toBe('healthy'); // the redelivery was acked: delivered in the end
  });

  it('records a handler slower than the ack wait as a timeout (reported by the SDK)', async () => {
    mode = 'slow';
    await suite.user.sendText(psid, 'take your time');
    const event = await flakyGot((e) => e.psid === psid && textOf(e) === 'take your time', 'the message');
    const h = await waitForHealth((x) => x.recentErrors.some((e: any) => e.idempotencyKey === event.idempotencyKey), 'the late ack');
    expect(h.recentErrors[0]).toMatchObject({ kind: 'timeout', deliveryCount: 1, idempotencyKey: event.idempotencyKey });
    expect(h.recentErrors[0].reason).toMatch(/longer than the ack wait \(1500 ms\)/);
    await waitFor(() => flakyEvents.find((e) => e.idempotencyKey === event.idempotencyKey && e.deliveryCount === 2), 'the redelivery');
    mode = 'ok';
    await waitForHealth((x) => x.state === 'healthy', 'healthy again (the event was acked)');
  });

  it('is failing while the handler throws, with the errors, naks and max deliveries visible', async () => {
    mode = 'broken';
    const failingFrom = clock.now();
    await suite.user.sendText(psid, 'are you broken?');
    const h = await waitForHealth((x) => x.counters.maxDeliveries >= 1 && x.counters.naks >= 3, 'the event to be given up');
    expect(h.state).toBe('failing');
    expect(new Date(h.failingSince).getTime()).toBe(failingFrom.getTime());
    expect(new Date(h.unsubscribesAt).getTime()).toBe(failingFrom.getTime() + HOUR);
    const key = flakyEvents.find((e) => textOf(e) === 'are you broken?')!.idempotencyKey;
    const naks = h.recentErrors.filter((e: any) => e.kind === 'nak' && e.idempotencyKey === key);
    expect(naks.map((e: any) => e.deliveryCount).sort()).toEqual([1, 2, 3]);
    expect(naks.every((e: any) => e.reason === 'Error: flaky is down')).toBe(true);
    expect(h.recentErrors.find((e: any) => e.kind === 'max_deliveries')).toMatchObject({ idempotencyKey: key, deliveryCount: 3, psid });
    expect(h.counters).toMatchObject({ naks: 3, maxDeliveries: 1 });
    expect(h.consumer).toMatchObject({ ackPending: 0 });
  });

  it('is unsubscribed after the period, and its threads go back to the default app', async () => {
    clock.advance(HOUR - 1);
    await sleep(1000); // several polls
    expect((await health()).state).toBe('failing');

    clock.advance(1);
    const h = await waitForHealth((x) => x.state === 'unhealthy' && !x.pages[0].subscribed, 'the app to be unhealthy and unsubscribed');
    expect(h).toMatchObject({ pages: [{ pageId: PAGE_ID, subscribed: false }], unsubscribedByHealth: [PAGE_ID] });
    const page = await suite.admin('GET', `/pages/${PAGE_ID}`);
    expect(page.body.apps.find((a: any) => a.app_id === 'flaky')).toMatchObject({ subscribed: false });

    const handover = await steady.waitFor('handover', (e) => e.psid === psid && e.kind === 'pass_thread_control' && e.ownerAppId === 'steady', 'the thread back');
    expect(handover.event.pass_thread_control).toMatchObject({ previous_owner_app_id: 'flaky', new_owner_app_id: 'steady', reason: 'bot_unhealthy' });
    const thread = await suite.admin('GET', `/pages/${PAGE_ID}/threads/${psid}`);
    expect(thread.body.ownerAppId).toBe('steady');
    expect(thread.body.history[0]).toMatchObject({ action: 'bot_unhealthy', fromAppId: 'flaky', toAppId: 'steady', actorAppId: null });
  });

  it('dead-letters the events of the unsubscribed app and refuses its actions', async () => {
    const before = flakyEvents.length;
    await suite.user.sendText(psid, 'anyone there?');
    await suite.user.sendText('7200002', 'a new conversation');
    await steady.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'anyone there?', 'the message');
    await steady.waitFor('messaging', (e) => e.psid === '7200002', 'the new conversation');
    const letters = await waitFor(async () => {
      const list = (await suite.admin('GET', '/apps/flaky/dead-letters')).body.data;
      return list.length >= 2 ? list : undefined;
    }, 'two dead letters');
    expect(letters.map((l: any) => [l.psid, l.channel, l.kind])).toEqual([
      [psid, 'standby', 'message'],
      ['7200002', 'standby', 'message'],
    ]);
    expect(flakyEvents.length).toBe(before);
    const refused = await flaky.suite.send({ pageId: PAGE_ID, psid, message: { text: 'still here' } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RpcError);
    expect((refused as RpcError).code).toBe(ErrorCode.AppUnsubscribed);
  });

  it('resubscribes, and a replay delivers what it missed', async () => {
    mode = 'ok';
    const resubscribed = await suite.admin('POST', '/apps/flaky/resubscribe', {});
    expect(resubscribed).toMatchObject({ status: 200, body: { appId: 'flaky', pages: [PAGE_ID] } });
    expect(await health()).toMatchObject({ state: 'healthy', failingSince: null, pages: [{ pageId: PAGE_ID, subscribed: true }], unsubscribedByHealth: [] });

    const letters = (await suite.admin('GET', '/apps/flaky/dead-letters')).body.data;
    const replay = await suite.admin('POST', '/apps/flaky/dead-letters/replay', {});
    expect(replay.body).toEqual({ replayed: 2, kept: 0 });
    for (const letter of letters) await flakyGot((e) => e.idempotencyKey === letter.idempotencyKey, `the replay of ${letter.idempotencyKey}`);
    expect((await suite.admin('GET', '/apps/flaky/dead-letters')).body.data).toEqual([]);

    await suite.user.sendText(psid, 'back to normal');
    await flakyGot((e) => e.psid === psid && textOf(e) === 'back to normal' && e.channel === 'standby', 'new events again');
    await waitForHealth((x) => x.state === 'healthy' && x.lastSuccessAt !== null, 'acks again');
  });
});
