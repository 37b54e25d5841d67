import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, RPC_TIMEOUT_HEADER, streamName, type RpcReply, type WebhookEventStored } from '@app/contracts';
import { ManualClock, TokenCipher } from '@app/platform';
import { bootNotifications, type RunningNotifications } from '../../apps/notifications/test/support/boot.js';
import { DeliverStandIn, graphError } from '../../apps/notifications/test/support/deliver-stand-in.js';
import { messageEvent, otnOptInEvent, pluginOptInEvent, publishEvent, reactionEvent, readEvent, type Thread } from '../../apps/notifications/test/support/webhook-events.js';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment.js';
import { waitFor } from '../support/wait-for.js';

const HOUR = 60 * 60 * 1000;
const YEAR = 365 * 24 * HOUR;
const PAGE = '1001';
const PAGE_WITHOUT_OTN = '1002';
const BOT = 'shop-bot';
const TOPIC = 'back-in-stock:sku-42';

let env: TestEnvironment;
let nc: NatsConnection;
let js: JetStreamClient;
let db: pg.Client;
let cipher: TokenCipher;
let deliver: DeliverStandIn;
let svc: RunningNotifications;
let clock: ManualClock;
let psidCounter = 5000;

const newThread = (pageId = PAGE): Thread => ({ pageId, psid: String(++psidCounter) });
const now = () => clock.now().getTime();

async function rpc(subject: string, payload: unknown): Promise<RpcReply> {
  const reply = await nc.request(`${env.prefix}.${subject}`, JSON.stringify(payload), { timeout: 15_000 });
  return reply.json<RpcReply>();
}
const botRpc = (operation: string, payload: unknown, appId = BOT) => rpc(`rpc.${appId}.${operation}`, payload);
const notify = (thread: Thread, topic = TOPIC, text = 'It is back!') => botRpc('notification.send', { ...thread, topic, message: { text } });
const errorCode = (reply: RpcReply) => (reply.ok ? 'ok' : reply.error.code);

async function http(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const headers = { authorization: `Bearer ${process.env.ADMIN_API_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const init: RequestInit = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
  const response = await fetch(`${svc.baseUrl}${path}`, init);
  return { status: response.status, json: await response.json().catch(() => undefined) };
}

/** Publishes as the ingress would and waits until the consumer has processed that event. */
async function ingest(event: WebhookEventStored): Promise<number> {
  const seq = await publishEvent(js, env.prefix, event);
  await waitFor(async () => {
    const { rows } = await db.query('SELECT last_event_seq FROM notifications.thread_windows WHERE page_id = $1 AND psid = $2', [event.pageId, event.psid]);
    return rows[0] && Number(rows[0].last_event_seq) >= seq ? true : undefined;
  }, `event ${seq} processed`);
  return seq;
}
const optIn = (thread: Thread, token: string, topic = TOPIC, at = now()) => ingest(otnOptInEvent(cipher, thread, topic, token, at));

const tokenRows = async (thread: Thread) =>
  (await db.query('SELECT * FROM notifications.otn_tokens WHERE page_id = $1 AND psid = $2 ORDER BY id', [thread.pageId, thread.psid])).rows;
const sendRows = async (thread: Thread) =>
  (await db.query('SELECT * FROM notifications.otn_sends WHERE page_id = $1 AND psid = $2 ORDER BY created_at', [thread.pageId, thread.psid])).rows;
const callsFor = (thread: Thread) => deliver.calls.filter((c) => c.psid === thread.psid);
const windowOf = (thread: Thread, minEventSeq?: number) => rpc('internal.window.status', { ...thread, minEventSeq });
const service = async <T>(path: string, name: string): Promise<T> => svc.app.get((await import(path))[name]);

beforeAll(async () => {
  env = await createTestEnvironment({
    OTN_SEND_INLINE_ATTEMPTS: '2',
    OTN_RETRY_BASE_DELAY_MS: '5',
    OTN_SWEEP_INTERVAL_MS: '3600000',
    OTN_RETRY_INTERVAL_MS: '3600000',
    WINDOW_WAIT_MS: '1500',
  });
  clock = new ManualClock(new Date());
  cipher = new TokenCipher(process.env.TOKEN_ENCRYPTION_KEY!);
  nc = await connect({ servers: env.natsUrl });
  js = jetstream(nc);
  deliver = new DeliverStandIn(nc, env.prefix).start();
  db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  svc = await bootNotifications(clock);
  expect((await http('PUT', `/pages/${PAGE}/settings`, { otnEnabled: true })).status).toBe(200);
});

afterAll(async () => {
  await svc?.close();
  await deliver?.stop();
  await db?.end();
  await nc?.close();
  await env?.cleanup();
});

describe('Page OTN permission', () => {
  it('defaults to OTN_ENABLED_BY_DEFAULT, stores a setting and validates the body', async () => {
    expect((await http('GET', `/pages/${PAGE_WITHOUT_OTN}/settings`)).json).toEqual({ pageId: PAGE_WITHOUT_OTN, otnEnabled: false, source: 'default' });
    expect((await http('GET', `/pages/${PAGE}/settings`)).json).toEqual({ pageId: PAGE, otnEnabled: true, source: 'page' });
    expect((await http('PUT', `/pages/${PAGE}/settings`, { otnEnabled: 'yes' })).status).toBe(400);
    expect((await http('GET', '/health')).json.status).toBe('ok');
  });

  it('refuses the admin API without the admin token, and with a wrong one', async () => {
    const plain = await fetch(`${svc.baseUrl}/pages/${PAGE}/tokens`);
    expect(plain.status).toBe(401);
    const wrong = await fetch(`${svc.baseUrl}/pages/${PAGE}/settings`, { method: 'PUT', headers: { authorization: 'Bearer not-the-admin-token', 'content-type': 'application/json' }, body: '{"otnEnabled":false}' });
    expect(wrong.status).toBe(401);
    expect((await http('GET', `/pages/${PAGE}/settings`)).json.otnEnabled).toBe(true);
  });
});

describe('RequestNotification', () => {
  const ask = (thread: Thread, title = 'Tell me when it is back', topic = TOPIC) => botRpc('notification.request', { ...thread, topic, title });

  it('sends the one_time_notif_req template through DeliverMessage on behalf of the calling bot', async () => {
    const thread = newThread();
    const reply = await ask(thread);
    expect(reply.ok).toBe(true);
    expect(callsFor(thread)).toEqual([
      {
        appId: BOT,
        ...thread,
        message: { attachment: { type: 'template', payload: { template_type: 'one_time_notif_req', title: 'Tell me when it is back', payload: TOPIC } } },
      },
    ]);
    expect(reply.ok && reply.data).toEqual({ requestId: expect.any(String), message_id: expect.stringMatching(/^m_/) });
  });

  it('refuses a title over 65 characters and a Page without the permission, without sending', async () => {
    const thread = newThread();
    expect(errorCode(await ask(thread, 'x'.repeat(66)))).toBe(ErrorCode.OtnTitleTooLong);
    expect(errorCode(await ask(newThread(PAGE_WITHOUT_OTN)))).toBe(ErrorCode.OtnNotEnabled);
    expect(deliver.calls.filter((c) => c.psid === thread.psid || c.pageId === PAGE_WITHOUT_OTN)).toHaveLength(0);
    expect((await ask(thread, 'y'.repeat(65))).ok).toBe(true);
  });

  it('throttles a repeat on the same topic until the throttle period has passed', async () => {
    const thread = newThread();
    expect((await ask(thread)).ok).toBe(true);
    const repeat = await ask(thread);
    expect(errorCode(repeat)).toBe(ErrorCode.OtnRequestThrottled);
    expect((await ask(thread, 'Other topic', 'price-drop')).ok).toBe(true);
    clock.advance(24 * HOUR);
    expect((await ask(thread)).ok).toBe(true);
    expect(callsFor(thread)).toHaveLength(3);
  });

  it('throttles a repeat with the same title under another topic too (which one Meta means is unconfirmed)', async () => {
    const thread = newThread();
    expect((await ask(thread, 'Tell me when it is back', 'sku-1')).ok).toBe(true);
    expect(errorCode(await ask(thread, 'Tell me when it is back', 'sku-2'))).toBe(ErrorCode.OtnRequestThrottled);
    expect((await ask(thread, 'Tell me when sku-2 is back', 'sku-2')).ok).toBe(true);
    expect(callsFor(thread)).toHaveLength(2);
  });

  it('keeps counting an ask Meta refused as a duplicate opt-in request (613/1893016)', async () => {
    const thread = newThread();
    deliver.reply(graphError(613, false, 1893016));
    expect(errorCode(await ask(thread))).toBe(ErrorCode.GraphError);
    expect(errorCode(await ask(thread))).toBe(ErrorCode.OtnRequestThrottled);
    expect(callsFor(thread)).toHaveLength(1);
  });

  it('propagates the sender’s typed error, and a failed ask does not count for the throttle', async () => {
    const thread = newThread();
    deliver.reply({ ok: false, error: { code: ErrorCode.OutsideMessagingWindow, message: 'window closed' } });
    expect(errorCode(await ask(thread))).toBe(ErrorCode.OutsideMessagingWindow);
    expect((await ask(thread)).ok).toBe(true);
  });
});

describe('opt-in capture', () => {
  it('stores the token re-sealed, with topic, creation time and a 365-day expiry', async () => {
    const thread = newThread();
    const at = now() - 1000;
    await optIn(thread, 'OTN-TOKEN-capture-1', TOPIC, at);
    const [row] = await tokenRows(thread);
    expect(row).toMatchObject({ topic: TOPIC, state: 'valid', fingerprint: cipher.fingerprint('OTN-TOKEN-capture-1') });
    expect(row.created_at.getTime()).toBe(at);
    expect(row.expires_at.getTime()).toBe(at + YEAR);
    expect(cipher.open(row.sealed_token)).toBe('OTN-TOKEN-capture-1');
  });

  it('keeps one token when the same opt-in arrives twice (new event id, new ciphertext)', async () => {
    const thread = newThread();
    await optIn(thread, 'OTN-TOKEN-dup');
    await optIn(thread, 'OTN-TOKEN-dup');
    expect(await tokenRows(thread)).toHaveLength(1);
  });
});

describe('SendNotification', () => {
  it('spends the token: DeliverMessage gets it sealed, without a tag; a second notify finds none left', async () => {
    const thread = newThread();
    await optIn(thread, 'OTN-TOKEN-send-1');
    const reply = await notify(thread);
    expect(reply).toEqual({ ok: true, data: { recipient_id: thread.psid, message_id: expect.stringMatching(/^m_/) } });
    const [call] = callsFor(thread);
    expect(call).toMatchObject({ appId: BOT, ...thread, message: { text: 'It is back!' } });
    expect(Object.keys(call!).sort()).toEqual(['appId', 'message', 'pageId', 'psid', 'sealedOneTimeNotifToken']);
    expect(cipher.open(call!.sealedOneTimeNotifToken!)).toBe('OTN-TOKEN-send-1');
    expect(call!.sealedOneTimeNotifToken).not.toBe((await tokenRows(thread))[0].sealed_token);
    expect((await tokenRows(thread))[0].state).toBe('used');
    expect((await sendRows(thread))[0]).toMatchObject({ status: 'sent', message_id: reply.ok && (reply.data as any).message_id, attempts: 1 });
    expect(errorCode(await notify(thread))).toBe(ErrorCode.OtnNoTokenLeft);
    expect(callsFor(thread)).toHaveLength(1);
  });

  it('refuses an app that is not on the Page before anything else: it learns nothing of the tokens and holds none', async () => {
    const thread = newThread();
    await optIn(thread, 'OTN-TOKEN-stranger');
    deliver.strangers.add('stranger');
    try {
      const checks = deliver.participantChecks;
      expect(errorCode(await botRpc('notification.send', { ...thread, topic: TOPIC, message: { text: 'x' } }, 'stranger'))).toBe(ErrorCode.UnknownApp);
      expect(errorCode(await botRpc('notification.send', { ...thread, topic: 'never-agreed', message: { text: 'x' } }, 'stranger'))).toBe(ErrorCode.UnknownApp);
      expect(errorCode(await botRpc('notification.request', { ...thread, topic: TOPIC, title: 'Hi' }, 'stranger'))).toBe(ErrorCode.UnknownApp);
      expect(deliver.participantChecks).toBe(checks + 3); // a refusal is not remembered
      expect((await tokenRows(thread)).map((t) => t.state)).toEqual(['valid']);
      expect(await sendRows(thread)).toHaveLength(0);
      const { rows } = await db.query('SELECT count(*)::int AS n FROM notifications.otn_requests WHERE psid = $1', [thread.psid]);
      expect(rows[0].n).toBe(0);
      expect(callsFor(thread)).toHaveLength(0);
    } finally {
      deliver.strangers.delete('stranger');
    }
    expect((await notify(thread)).ok).toBe(true); // the Page's own bot still can
  });

  it('uses the oldest token first and refuses a topic the user never agreed to', async () => {
    const thread = newThread();
    await optIn(thread, 'OTN-TOKEN-newer', TOPIC, now() - 1000);
    await optIn(thread, 'OTN-TOKEN-older', TOPIC, now() - 5000);
    expect(errorCode(await notify(thread, 'price-drop'))).toBe(ErrorCode.OtnTopicNotAgreed);
    expect((await notify(thread)).ok).toBe(true);
    expect(cipher.open(callsFor(thread)[0]!.sealedOneTimeNotifToken!)).toBe('OTN-TOKEN-older');
  });

  it('refuses a Page without the OTN permission', async () => {
    expect(errorCode(await notify(newThread(PAGE_WITHOUT_OTN)))).toBe(ErrorCode.OtnNotEnabled);
  });

  it('retries a transient Graph error inline with the same token', async () => {
    const thread = newThread();
    await optIn(thread, 'OTN-TOKEN-transient-1');
    deliver.reply(graphError(2, true));
    expect((await notify(thread)).ok).toBe(true);
    expect(callsFor(thread).map((c) => cipher.open(c.sealedOneTimeNotifToken!))).toEqual(['OTN-TOKEN-transient-1', 'OTN-TOKEN-transient-1']);
    expect((await sendRows(thread))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('keeps the token reserved after the inline attempts and lets the retry loop finish the send', async () => {
    const thread = newThread();
    await optIn(thread, 'OTN-TOKEN-transient-2');
    deliver.reply({ ok: false, error: { code: ErrorCode.GraphUnavailable, message: 'down' } }, graphError(1200, false));
    const reply = await notify(thread);
    expect(reply.ok ? reply : reply.error).toMatchObject({ code: ErrorCode.GraphError, details: { code: 1200, retrying: true } });
    expect((await tokenRows(thread))[0].state).toBe('reserved');
    expect((await sendRows(thread))[0]).toMatchObject({ status: 'retrying', attempts: 2 });
    expect(errorCode(await notify(thread))).toBe(ErrorCode.OtnNoTokenLeft);

    const retry = await service<{ runDue(): Promise<number> }>('../../apps/notifications/src/otn/notify/retry.scheduler.js', 'RetryScheduler');
    clock.advance(10 * 60_000);
    expect(await retry.runDue()).toBe(1);
    expect((await tokenRows(thread))[0].state).toBe('used');
    expect((await sendRows(thread))[0]).toMatchObject({ status: 'sent', attempts: 3, message_id: expect.stringMatching(/^m_/) });
    expect(callsFor(thread)).toHaveLength(3);
  });

  it('invalidates the token on a permanent Graph error and gives the bot the typed error', async () => {
    const thread = newThread();
    await optIn(thread, 'OTN-TOKEN-permanent');
    deliver.reply(graphError(100, false));
    const reply = await notify(thread);
    expect(reply.ok ? reply : reply.error).toMatchObject({ code: ErrorCode.GraphError, details: { code: 100, is_transient: false } });
    expect((await tokenRows(thread))[0].state).toBe('invalid');
    expect((await sendRows(thread))[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(errorCode(await notify(thread))).toBe(ErrorCode.OtnNoTokenLeft);
  });

  it('spends a token Meta refused as outside the window, so the next notify takes the next token', async () => {
    const thread = newThread();
    await optIn(thread, 'OTN-TOKEN-refused-window', TOPIC, now() - 2 * HOUR);
    await optIn(thread, 'OTN-TOKEN-next', TOPIC, now() - HOUR);
    // as thread-ownership answers Meta's 10/2018278: our code, Meta's in the details
    deliver.reply({ ok: false, error: { code: ErrorCode.OutsideMessagingWindow, message: 'Meta refused: outside the allowed window', details: { code: 10, error_subcode: 2018278, is_transient: false } } });
    expect(errorCode(await notify(thread))).toBe(ErrorCode.OutsideMessagingWindow);
    expect((await tokenRows(thread)).map((t) => t.state)).toEqual(['invalid', 'valid']);
    expect((await notify(thread)).ok).toBe(true);
    const [, second] = callsFor(thread);
    expect(cipher.open(second!.sealedOneTimeNotifToken!)).toBe('OTN-TOKEN-next');
  });

  it('gives the token back when the sender refused before reaching Meta', async () => {
    const thread = newThread();
    await optIn(thread, 'OTN-TOKEN-not-sent');
    deliver.reply({ ok: false, error: { code: ErrorCode.NotThreadOwner, message: 'another app owns the thread' } });
    expect(errorCode(await notify(thread))).toBe(ErrorCode.NotThreadOwner);
    expect((await tokenRows(thread))[0].state).toBe('valid');
    expect((await notify(thread)).ok).toBe(true);
  });
});

describe('SendNotification with an idempotency key', () => {
  const notifyKeyed = (thread: Thread, idempotencyKey: string, text = 'It is back!', appId = BOT) =>
    botRpc('notification.send', { ...thread, topic: TOPIC, message: { text }, idempotencyKey }, appId);
  const tokenStates = async (thread: Thread) => (await tokenRows(thread)).map((t) => t.state).sort();
  /** Two tokens, so that a repeat which spent a second one would be seen. */
  const twoTokens = async (name: string) => {
    const thread = newThread();
    await optIn(thread, `OTN-TOKEN-${name}-1`, TOPIC, now() - 2000);
    await optIn(thread, `OTN-TOKEN-${name}-2`, TOPIC, now() - 1000);
    return thread;
  };

  it('answers a sequential retry with the first message id: one send, one token spent', async () => {
    const thread = await twoTokens('idem-seq');
    const first = await notifyKeyed(thread, 'order-1:back-in-stock');
    expect(first).toEqual({ ok: true, data: { recipient_id: thread.psid, message_id: expect.stringMatching(/^m_/) } });
    expect(await notifyKeyed(thread, 'order-1:back-in-stock')).toEqual(first);
    expect(await notifyKeyed(thread, 'order-1:back-in-stock')).toEqual(first);
    expect(callsFor(thread)).toHaveLength(1);
    expect(await tokenStates(thread)).toEqual(['used', 'valid']);
    expect(await sendRows(thread)).toMatchObject([{ idempotency_key: 'order-1:back-in-stock', status: 'sent', message_id: first.ok && (first.data as any).message_id }]);
  });

  it('spends a second token for a different key, and for the same key from another app', async () => {
    const thread = newThread();
    for (const n of [1, 2, 3]) await optIn(thread, `OTN-TOKEN-idem-keys-${n}`, TOPIC, now() - 5000 + n);
    const first = await notifyKeyed(thread, 'key-a');
    const second = await notifyKeyed(thread, 'key-b');
    const otherApp = await notifyKeyed(thread, 'key-a', 'It is back!', 'other-bot');
    const ids = [first, second, otherApp].map((r) => (r.ok ? (r.data as any).message_id : r.error.code));
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => id.startsWith('m_'))).toBe(true);
    expect(callsFor(thread).map((c) => cipher.open(c.sealedOneTimeNotifToken!))).toEqual(['OTN-TOKEN-idem-keys-1', 'OTN-TOKEN-idem-keys-2', 'OTN-TOKEN-idem-keys-3']);
    expect(await tokenStates(thread)).toEqual(['used', 'used', 'used']);
  });

  it('answers a repeat with the same typed error, without another send or token', async () => {
    const thread = await twoTokens('idem-error');
    deliver.reply(graphError(100, false));
    const first = await notifyKeyed(thread, 'order-2');
    expect(first.ok ? first : first.error).toMatchObject({ code: ErrorCode.GraphError, details: { code: 100 } });
    expect(await notifyKeyed(thread, 'order-2')).toEqual(first);
    expect(callsFor(thread)).toHaveLength(1);
    expect(await tokenStates(thread)).toEqual(['invalid', 'valid']);
  });

  it('answers a repeat of a send still in flight before the caller times out (its mho-timeout-ms header)', async () => {
    const thread = await twoTokens('idem-in-flight');
    const release = deliver.holdNext();
    const first = notifyKeyed(thread, 'order-6');
    await waitFor(() => (callsFor(thread).length === 1 ? true : undefined), 'the first send to reach the Graph API');
    // A bot with a 1.5 s request timeout: without the header the suite would wait up to 3 s.
    const h = headers();
    h.set(RPC_TIMEOUT_HEADER, '1500');
    const payload = { ...thread, topic: TOPIC, message: { text: 'It is back!' }, idempotencyKey: 'order-6' };
    const repeat = (await nc.request(`${env.prefix}.rpc.${BOT}.notification.send`, JSON.stringify(payload), { timeout: 1500, headers: h })).json<RpcReply>();
    expect(repeat.ok ? repeat : repeat.error).toMatchObject({ code: ErrorCode.Unavailable, details: { inFlight: true } });
    release();
    const done = await first;
    expect(done).toMatchObject({ ok: true, data: { message_id: expect.stringMatching(/^m_/) } });
    expect(await notifyKeyed(thread, 'order-6')).toEqual(done);
    expect(callsFor(thread)).toHaveLength(1);
    expect(await tokenStates(thread)).toEqual(['used', 'valid']);
  });

  it('refuses a key reused for another message, and an invalid key, without sending', async () => {
    const thread = await twoTokens('idem-reuse');
    expect((await notifyKeyed(thread, 'order-3')).ok).toBe(true);
    expect(errorCode(await notifyKeyed(thread, 'order-3', 'Something else'))).toBe(ErrorCode.InvalidPayload);
    for (const bad of ['', 'with space', 'x'.repeat(129), 'ünïcode']) expect(errorCode(await notifyKeyed(thread, bad))).toBe(ErrorCode.InvalidPayload);
    // NUL cannot be stored by PostgreSQL; it would fail the batched reservation of other requests too.
    expect(errorCode(await notifyKeyed(thread, 'order-nul', 'back\u0000in stock'))).toBe(ErrorCode.InvalidPayload);
    expect(errorCode(await botRpc('notification.send', { ...thread, topic: 'top\u0000ic', message: { text: 'x' } }))).toBe(ErrorCode.InvalidPayload);
    expect(callsFor(thread)).toHaveLength(1);
    expect(await tokenStates(thread)).toEqual(['used', 'valid']);
  });

  it('lets the SDK retry after a lost reply with the same key: one send, one token spent', async () => {
    const thread = await twoTokens('idem-sdk');
    const { SuiteClient } = await import('@app/bot-sdk');
    let lost = 0;
    // The suite did the work, but its reply never reached the bot: nats.js reports a timeout.
    const losingFirstReply = {
      request: async (...args: Parameters<NatsConnection['request']>) => {
        const reply = await nc.request(...args);
        if (lost++ === 0) throw new Error('TIMEOUT');
        return reply;
      },
    } as unknown as NatsConnection;
    const sdk = new SuiteClient(losingFirstReply, env.prefix, BOT, 5000);
    const result = await sdk.notify({ ...thread, topic: TOPIC, message: { text: 'It is back!' } });
    expect(lost).toBe(2);
    expect(callsFor(thread)).toHaveLength(1);
    expect(await tokenStates(thread)).toEqual(['used', 'valid']);
    const [row] = await sendRows(thread);
    expect(result).toEqual({ recipient_id: thread.psid, message_id: row.message_id });
    expect(row.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends once for concurrent repeats of one key on two replicas, each answered with that send', async () => {
    const replica = await bootNotifications(clock);
    try {
      const { NotifyService } = await import('../../apps/notifications/src/otn/notify/notify.service.js');
      const replicas = [svc.app.get(NotifyService), replica.app.get(NotifyService)];
      const thread = newThread();
      for (const n of [1, 2, 3]) await optIn(thread, `OTN-TOKEN-idem-race-${n}`);
      const request = { ...thread, topic: TOPIC, message: { text: 'It is back!' }, idempotencyKey: 'order-4:race' };
      // Hold both replicas' reservations at their insert and let them go together: without the
      // unique index neither would see the other's (uncommitted) send, and both would spend a token.
      await db.query('BEGIN');
      await db.query('LOCK TABLE notifications.otn_sends IN SHARE MODE');
      const racing = Promise.all(Array.from({ length: 40 }, (_, i) => replicas[i % 2]!.send(BOT, request)));
      try {
        await waitFor(async () => {
          const { rows } = await db.query(`SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'notifications.otn_sends'::regclass AND NOT granted`);
          return rows[0].n >= 2 ? true : undefined;
        }, 'both replicas waiting to record their send');
      } finally {
        await db.query('COMMIT');
      }
      const results = await racing;
      expect(callsFor(thread)).toHaveLength(1);
      expect(new Set(results.map((r) => r.message_id)).size).toBe(1);
      expect(await tokenStates(thread)).toEqual(['used', 'valid', 'valid']);
      expect(await sendRows(thread)).toHaveLength(1);

      // The same through NATS, where the queue group spreads the requests over both replicas.
      const again = await Promise.all(Array.from({ length: 40 }, () => notifyKeyed(thread, 'order-5:race')));
      expect(new Set(again.map((r) => (r.ok ? (r.data as any).message_id : r.error.code))).size).toBe(1);
      expect(callsFor(thread)).toHaveLength(2);
      expect(await tokenStates(thread)).toEqual(['used', 'used', 'valid']);
    } finally {
      await replica.close();
    }
  });
});

describe('a repeat that meets its first request holding the only token', () => {
  it('answers as a repeat (here: still in flight), not OTN_NO_TOKEN_LEFT', async () => {
    const { RESERVE_TOKENS_SQL } = await import('../../apps/notifications/src/otn/notify/reserve-tokens.sql.js');
    const thread = newThread();
    await optIn(thread, 'OTN-TOKEN-only-one');
    const key = 'order-7:only-token';
    // "Replica A", mid-reservation: it holds the only token and has recorded the key, uncommitted.
    await db.query('BEGIN');
    const message = JSON.stringify({ text: 'It is back!' });
    const held = await db.query(RESERVE_TOKENS_SQL, [[randomUUID()], [BOT], [thread.pageId], [thread.psid], [TOPIC], [message], clock.now(), new Date(now() + 60_000), [key]]);
    expect(held.rows[0].sealed_token).toBeTruthy();
    // The repeat: its reservation skips the locked token and finds none left.
    const h = headers();
    h.set(RPC_TIMEOUT_HEADER, '2500');
    const payload = { ...thread, topic: TOPIC, message: { text: 'It is back!' }, idempotencyKey: key };
    const repeat = nc.request(`${env.prefix}.rpc.${BOT}.notification.send`, JSON.stringify(payload), { timeout: 2500, headers: h });
    await waitFor(async () => {
      await db.query('SELECT pg_stat_clear_snapshot()'); // statistics views are snapshotted per transaction
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%otn_tokens%FOR SHARE%'`);
      return rows[0].n >= 1 ? true : undefined;
    }, 'the repeat to wait for the token the first request holds');
    await db.query('COMMIT');
    // A never sends in this test, so the repeat finds the first request still in flight.
    const answer = (await repeat).json<RpcReply>();
    expect(answer.ok ? 'ok' : answer.error).toMatchObject({ code: ErrorCode.Unavailable, details: { inFlight: true } });
    expect(callsFor(thread)).toHaveLength(0);
  });
});

describe('token expiry', () => {
  it('uses a token 1 ms before its expiry, never at or after it, and the sweep marks it expired', async () => {
    const base = now();
    const early = newThread();
    const late = newThread();
    await optIn(early, 'OTN-TOKEN-expiry-1', TOPIC, base);
    await optIn(late, 'OTN-TOKEN-expiry-2', TOPIC, base);
    clock.set(new Date(base + YEAR - 1));
    expect((await notify(early)).ok).toBe(true);
    clock.set(new Date(base + YEAR));
    expect(errorCode(await notify(late))).toBe(ErrorCode.OtnNoTokenLeft);
    expect((await tokenRows(late))[0].state).toBe('valid');

    const sweep = await service<{ sweep(): Promise<number> }>('../../apps/notifications/src/otn/expiry/expiry-sweep.service.js', 'ExpirySweep');
    expect(await sweep.sweep()).toBeGreaterThanOrEqual(1);
    expect((await tokenRows(late))[0].state).toBe('expired');
    expect((await http('GET', '/metrics')).status).toBe(200);
    const metrics = await (await fetch(`${svc.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/notifications_tokens\{state="expired"\} [1-9]/);
    expect(metrics).toMatch(/notifications_refused_total\{reason="no_token_left"\} [1-9]/);
    clock.set(new Date(base));
  });
});

describe('messaging window', () => {
  it('opens on a user message, not on an opt-in alone, and closes 24 h after the last interaction', async () => {
    const thread = newThread();
    expect(await windowOf(thread)).toEqual({ ok: true, data: { open: false, lastInteractionAt: null, standardUntil: null, humanAgentUntil: null } });
    await optIn(thread, 'OTN-TOKEN-window');
    await ingest(readEvent(thread, now()));
    expect(await windowOf(thread)).toMatchObject({ ok: true, data: { open: false, lastInteractionAt: null } });

    const at = now();
    await ingest(messageEvent(thread, at));
    expect(await windowOf(thread)).toEqual({
      ok: true,
      data: {
        open: true,
        lastInteractionAt: new Date(at).toISOString(),
        standardUntil: new Date(at + 24 * HOUR).toISOString(),
        humanAgentUntil: new Date(at + 7 * 24 * HOUR).toISOString(),
      },
    });
    await ingest(messageEvent(thread, at - HOUR)); // late or redelivered: never moves the window back
    clock.set(new Date(at + 24 * HOUR - 1));
    expect(await windowOf(thread)).toMatchObject({ data: { open: true, lastInteractionAt: new Date(at).toISOString() } });
    clock.set(new Date(at + 24 * HOUR));
    expect(await windowOf(thread)).toMatchObject({ data: { open: false, lastInteractionAt: new Date(at).toISOString() } });
    clock.set(new Date(at));
  });

  it('refreshes the standard window on a reaction, but runs HUMAN_AGENT from the last message (§5.2)', async () => {
    const thread = newThread();
    const said = now();
    await ingest(messageEvent(thread, said));
    const reacted = said + 3 * 24 * HOUR;
    await ingest(reactionEvent(thread, reacted));
    clock.set(new Date(reacted));
    expect(await windowOf(thread)).toMatchObject({
      ok: true,
      data: { open: true, standardUntil: new Date(reacted + 24 * HOUR).toISOString(), humanAgentUntil: new Date(said + 7 * 24 * HOUR).toISOString() },
    });
    clock.set(new Date(said));
  });

  it('opens on a Send to Messenger plugin opt-in (§5.3)', async () => {
    const thread = newThread();
    const at = now();
    await ingest(pluginOptInEvent(thread, at));
    expect(await windowOf(thread)).toMatchObject({ ok: true, data: { open: true, lastInteractionAt: new Date(at).toISOString() } });
  });

  it('waits for the event named by minEventSeq before answering, and times out rather than answer stale', async () => {
    const thread = newThread();
    const jsm = await jetstreamManager(nc);
    const next = (await jsm.streams.info(streamName(env.prefix, 'EVENTS'))).state.last_seq + 1;
    const answer = windowOf(thread, next);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await publishEvent(js, env.prefix, messageEvent(thread, now()))).toBe(next);
    expect(await answer).toMatchObject({ ok: true, data: { open: true } });

    const started = Date.now();
    expect(errorCode(await windowOf(newThread(), next + 1_000_000))).toBe(ErrorCode.Timeout);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });
});

describe('token inventory', () => {
  it('counts valid tokens per topic and per user with their expiries, never the tokens', async () => {
    const page = '1003';
    const [a, b] = [newThread(page), newThread(page)];
    const at = now();
    await optIn(a, 'OTN-TOKEN-inv-1', 'topic-1', at - 2000);
    await optIn(a, 'OTN-TOKEN-inv-2', 'topic-1', at - 1000);
    await optIn(b, 'OTN-TOKEN-inv-3', 'topic-2', at);
    const { status, json } = await http('GET', `/pages/${page}/tokens`);
    expect(status).toBe(200);
    expect(json.byTopic).toEqual([
      { topic: 'topic-1', validTokens: 2, earliestExpiry: new Date(at - 2000 + YEAR).toISOString(), latestExpiry: new Date(at - 1000 + YEAR).toISOString() },
      { topic: 'topic-2', validTokens: 1, earliestExpiry: new Date(at + YEAR).toISOString(), latestExpiry: new Date(at + YEAR).toISOString() },
    ]);
    expect(json.byUser.map((g: any) => [g.psid, g.topic, g.validTokens])).toEqual([
      [a.psid, 'topic-1', 2],
      [b.psid, 'topic-2', 1],
    ]);
    expect(json.byTopicState).toEqual([
      { topic: 'topic-1', valid: 2, reserved: 0, used: 0, expired: 0, invalid: 0 },
      { topic: 'topic-2', valid: 1, reserved: 0, used: 0, expired: 0, invalid: 0 },
    ]);
    expect(JSON.stringify(json)).not.toMatch(/OTN-TOKEN|v1\./);
    const filtered = await http('GET', `/pages/${page}/tokens?psid=${b.psid}`);
    expect(filtered.json.byTopic.map((g: any) => g.topic)).toEqual(['topic-2']);
    expect((await http('GET', `/pages/${page}/tokens?psid=abc`)).status).toBe(400);
  });
});

describe('secrets at rest', () => {
  it('never stores a clear token in any table', async () => {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM notifications.otn_tokens');
    expect(rows[0].n).toBeGreaterThan(10);
    for (const table of ['otn_tokens', 'otn_sends', 'otn_requests', 'thread_windows']) {
      const leaked = await db.query(`SELECT count(*)::int AS n FROM notifications.${table} t WHERE t::text LIKE '%OTN-TOKEN%'`);
      expect(leaked.rows[0].n, table).toBe(0);
    }
  });
});

describe('two replicas', () => {
  it('send exactly one message for 200 concurrent notifies on one token, and one per token when there are several', async () => {
    const replica = await bootNotifications(clock);
    try {
      const thread = newThread();
      await optIn(thread, 'OTN-TOKEN-contended');
      const replies = await Promise.all(Array.from({ length: 200 }, () => notify(thread)));
      const codes = replies.map(errorCode);
      expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
      expect(codes.filter((c) => c === ErrorCode.OtnNoTokenLeft)).toHaveLength(199);
      expect(callsFor(thread)).toHaveLength(1);
      expect(await sendRows(thread)).toHaveLength(1);

      const holder = newThread();
      for (const n of [1, 2, 3]) await optIn(holder, `OTN-TOKEN-many-${n}`);
      const many = (await Promise.all(Array.from({ length: 60 }, () => notify(holder)))).map(errorCode);
      expect(many.filter((c) => c === 'ok')).toHaveLength(3);
      expect(many.filter((c) => c === ErrorCode.OtnNoTokenLeft)).toHaveLength(57);
      const spent = callsFor(holder).map((c) => cipher.open(c.sealedOneTimeNotifToken!));
      expect(spent.sort()).toEqual(['OTN-TOKEN-many-1', 'OTN-TOKEN-many-2', 'OTN-TOKEN-many-3']);
    } finally {
      await replica.close();
    }
  });
});
