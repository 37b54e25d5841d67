import { ErrorCode, PAGE_INBOX_APP_ID, type SendResult } from '@app/contracts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingBot, textOf } from '../support/recording-bot.js';
import { PAGE_ID, startSuite, type RunningSuite } from '../support/suite.js';
import { waitFor } from '../support/wait-for.js';
import { codeOf } from '../support/rpc-code.js';

/**
 * `message.send` with an idempotency key goes out once: a redelivered event's replies (the SDK's
 * `ctx.reply` keys them) and a bot's own retries reach the user one time, against the real NATS,
 * PostgreSQL and two replicas of thread-ownership.
 */
/** thread-ownership's PostgreSQL pool (data-source-options.ts). */
const POOL = 20;

describe('sending once (idempotency key on message.send)', () => {
  let suite: RunningSuite;
  let sales: RecordingBot;
  let support: RecordingBot;
  let db: pg.Client;
  let nextPsid = 5_000_000;
  /** psid → what the sales bot's handler got back from each reply, per delivery. */
  const replies = new Map<string, SendResult[][]>();

  /** Text messages the Send API received for a user. */
  const sentTo = (psid: string) =>
    suite.graph
      .calls((c) => c.edge === 'messages' && c.response.status === 200 && (c.body as { recipient?: { id?: string } }).recipient?.id === psid)
      .map((c) => (c.body as { message?: { text?: string } }).message?.text);

  const openThread = async () => {
    const psid = String(nextPsid++);
    await suite.user.sendText(psid, 'hello');
    await sales.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'hello', `the first message of ${psid}`);
    return psid;
  };

  beforeAll(async () => {
    suite = await startSuite();
    await suite.addOwnershipReplica();
    await suite.registerPage({ defaultOwnerAppId: 'sales', apps: [{ appId: 'sales' }, { appId: 'support' }] });
    const connection = { servers: suite.env.natsUrl, prefix: suite.env.prefix, requestTimeoutMs: 30_000 };
    // "twice" makes the handler reply two times and then fail on the first delivery only, as a
    // bot that crashed after replying would: the event comes back and the handler runs again.
    sales = await RecordingBot.start({ appId: 'sales', ...connection }, async (event, ctx) => {
      if (textOf(event) !== 'twice') return;
      const results = [await ctx.reply(`first ${ctx.deliveryCount}`), await ctx.reply(`second ${ctx.deliveryCount}`)];
      replies.set(event.psid, [...(replies.get(event.psid) ?? []), results]);
      if (ctx.deliveryCount === 1) throw new Error('crashed after replying');
    });
    support = await RecordingBot.start({ appId: 'support', ...connection });
    db = new pg.Client({ connectionString: suite.env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([sales, support].map((b) => b?.close()));
    await db?.end();
    await suite?.stop();
  });

  it("a redelivered event's replies (ctx.reply) reach the user once, with the first messages' ids", async () => {
    const psid = await openThread();
    await suite.user.sendText(psid, 'twice');
    const deliveries = await waitFor(() => ((replies.get(psid)?.length ?? 0) >= 2 ? replies.get(psid) : undefined), 'the handler to run on the redelivery');

    expect(sentTo(psid)).toEqual(['first 1', 'second 1']);
    expect(deliveries[1]).toEqual(deliveries[0]);
    expect(new Set(deliveries[0]!.map((r) => r.message_id)).size).toBe(2);
  });

  it('answers repeats of a key, also concurrent ones, with the first result and sends once', async () => {
    const psid = await openThread();
    const send = (text: string, idempotencyKey = 'order-17:confirmation') => sales.suite.send({ pageId: PAGE_ID, psid, message: { text }, idempotencyKey });

    const first = await send('your order is confirmed');
    const repeats = await Promise.all([send('your order is confirmed'), send('worded differently'), send('your order is confirmed')]);

    expect(repeats).toEqual([first, first, first]);
    expect(sentTo(psid)).toEqual(['your order is confirmed']);
    const other = await send('another message', 'order-17:shipped');
    expect(other.message_id).not.toBe(first.message_id);
    expect(sentTo(psid)).toEqual(['your order is confirmed', 'another message']);
  });

  it('keeps keys apart per user and per app', async () => {
    const [one, two] = [await openThread(), await openThread()];
    const key = 'same-key';
    const toOne = await sales.suite.send({ pageId: PAGE_ID, psid: one, message: { text: 'to one' }, idempotencyKey: key });
    const toTwo = await sales.suite.send({ pageId: PAGE_ID, psid: two, message: { text: 'to two' }, idempotencyKey: key });
    expect(toTwo.message_id).not.toBe(toOne.message_id);
    expect(sentTo(two)).toEqual(['to two']);
    // Not a repeat of sales' send: support's own send, refused because sales owns the thread.
    expect(await codeOf(support.suite.send({ pageId: PAGE_ID, psid: one, message: { text: 'from support' }, idempotencyKey: key }))).toBe(ErrorCode.NotThreadOwner);
  });

  it('keeps no key for a send that failed: a repeat tries again', async () => {
    const psid = await openThread();
    suite.graph.failNext({ edge: 'messages', pageId: PAGE_ID }, { code: 100, message: 'Invalid parameter' });
    const send = () => sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'try again' }, idempotencyKey: 'retry-me' });

    expect(await codeOf(send())).toBe(ErrorCode.GraphError);
    const second = await send();
    expect(second.message_id).toMatch(/\S/);
    expect(sentTo(psid)).toEqual(['try again']);
    expect(await send()).toEqual(second);
  });

  it('does not pass the thread a second time on a repeat, even after the sender lost it', async () => {
    const psid = await openThread();
    const handOver = () =>
      sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'over to support' }, threadControl: { controlType: 'pass', appId: 'support' }, idempotencyKey: 'handover-1' });
    const first = await handOver();
    await support.waitFor('handover', (e) => e.psid === psid, 'the pass');

    expect(await handOver()).toEqual(first);
    const changes = await db.query('SELECT count(*)::int AS n FROM thread_ownership.ownership_change WHERE page_id = $1 AND psid = $2 AND action = $3', [PAGE_ID, psid, 'pass']);
    expect(changes.rows[0].n).toBe(1);
    expect(sentTo(psid)).toEqual(['over to support']);
    // Without the key the same request is a new send, refused: sales no longer owns the thread.
    expect(await codeOf(sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'over to support' } }))).toBe(ErrorCode.NotThreadOwner);
  });

  it('refuses a pass that cannot be done before sending anything, and a repeat is refused the same way', async () => {
    const psid = await openThread();
    const send = () =>
      sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'over to nobody' }, threadControl: { controlType: 'pass', appId: 'nobody' }, idempotencyKey: 'bad-pass' });
    expect(await codeOf(send())).toBe(ErrorCode.UnknownApp);
    expect(await codeOf(send())).toBe(ErrorCode.UnknownApp);
    expect(sentTo(psid)).toEqual([]);
  });

  // Each send holds its thread's transaction, so on one connection; a send that needed a second
  // one (as the record of the sent message once did) starved once more sends than the pool held
  // connections were in flight: each waited for a connection the others held.
  it(`sends to ${POOL * 2} threads at once, more than thread-ownership's ${POOL} pooled connections`, async () => {
    const psids: string[] = [];
    for (let i = 0; i < POOL * 2; i++) psids.push(await openThread());
    const results = await Promise.all(psids.map((psid, i) => sales.suite.send({ pageId: PAGE_ID, psid, message: { text: `burst ${i}` }, idempotencyKey: `burst-${i}` })));
    expect(new Set(results.map((r) => r.message_id)).size).toBe(psids.length);
    expect(psids.map((psid) => sentTo(psid).length)).toEqual(psids.map(() => 1));
  });

  it('completes on a repeat the pass that failed after the message went out, without sending it again', async () => {
    const psid = await openThread();
    // Meta takes the message, then refuses the pass to the Page Inbox that rides on it.
    suite.graph.failNext({ edge: 'pass_thread_control', pageId: PAGE_ID }, { code: 100, message: 'Invalid parameter' });
    const handOff = () =>
      sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'a person will help you' }, threadControl: { controlType: 'pass', appId: PAGE_INBOX_APP_ID }, idempotencyKey: 'handoff-7' });
    expect(await codeOf(handOff())).toBe(ErrorCode.GraphError);
    expect(sentTo(psid)).toEqual(['a person will help you']);
    expect((await db.query('SELECT owner_app_id FROM thread_ownership.thread WHERE page_id = $1 AND psid = $2', [PAGE_ID, psid])).rows[0].owner_app_id).toBe('sales');

    const repeat = await handOff();
    expect(sentTo(psid)).toEqual(['a person will help you']); // not sent again
    expect(repeat.message_id).toMatch(/\S/);
    expect((await db.query('SELECT owner_app_id FROM thread_ownership.thread WHERE page_id = $1 AND psid = $2', [PAGE_ID, psid])).rows[0].owner_app_id).toBe(PAGE_INBOX_APP_ID);
    const passes = suite.graph.calls((c) => c.edge === 'pass_thread_control' && c.response.status === 200 && (c.body as { recipient?: { id?: string } }).recipient?.id === psid);
    expect(passes).toHaveLength(1);
    expect(await handOff()).toEqual(repeat); // and only once
  });

  it('refuses a key that is not 1–128 printable characters without spaces, and sends nothing', async () => {
    const psid = await openThread();
    for (const idempotencyKey of ['', 'has space', 'x'.repeat(129), 'caf\u00e9']) {
      expect(await codeOf(sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'bad key' }, idempotencyKey }))).toBe(ErrorCode.InvalidPayload);
    }
    expect(sentTo(psid)).toEqual([]);
  });
});
