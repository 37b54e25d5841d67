import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTextMessageEvent, createGraphEmulator, UserSimulator, type GraphEmulator } from '../index.js';
import { httpCall, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../testing/http-helpers.js';

const SECRET = 'webhook-secret';
const PAGE = '8080';
const NOW = 1_700_000_000_123;

/** Independent of signBody: recomputes the HMAC over the bytes the receiver actually got. */
const expectedSignature = (raw: Buffer) => `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
const parsed = (webhook: ReceivedWebhook | undefined): unknown => JSON.parse(webhook?.raw.toString('utf8') ?? 'null');

describe('UserSimulator', () => {
  let receiver: WebhookReceiver;
  let graph: GraphEmulator;
  let simulator: UserSimulator;
  const lastWebhook = () => receiver.received.at(-1);

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    graph = await createGraphEmulator({ tokens: { tok: PAGE } });
  });
  afterAll(async () => {
    await receiver.close();
    await graph.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.respondWith(200, 'EVENT_RECEIVED');
    graph.reset();
    simulator = new UserSimulator({ ingressUrl: receiver.url, appSecret: SECRET, pageId: PAGE, clock: () => NOW });
  });

  it('posts a text message in Meta shape, signed over the exact raw bytes', async () => {
    const result = await simulator.sendText('123', 'hello');
    const webhook = lastWebhook();
    expect(result).toMatchObject({ status: 200, body: 'EVENT_RECEIVED', mid: expect.stringMatching(/^m_/) });
    expect(webhook?.url).toBe('/webhook');
    expect(webhook?.headers['content-type']).toBe('application/json');
    expect(webhook?.headers['x-hub-signature-256']).toBe(expectedSignature(webhook?.raw ?? Buffer.alloc(0)));
    expect(result.sentBody).toBe(webhook?.raw.toString('utf8'));
    expect(parsed(webhook)).toEqual({
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: NOW,
          messaging: [{ sender: { id: '123' }, recipient: { id: PAGE }, timestamp: NOW, message: { mid: result.mid, text: 'hello' } }],
        },
      ],
    });
  });

  it('escapes non-ASCII and slashes like Meta, and signs the escaped form', async () => {
    await simulator.sendText('123', 'äöå 😀 https://x.test/a');
    const webhook = lastWebhook();
    const raw = webhook?.raw.toString('utf8') ?? '';
    expect(raw).toContain('\\u00e4\\u00f6\\u00e5 \\ud83d\\ude00 https:\\/\\/x.test\\/a');
    expect(/[^\x00-\x7f]/.test(raw)).toBe(false);
    expect(webhook?.headers['x-hub-signature-256']).toBe(expectedSignature(webhook?.raw ?? Buffer.alloc(0)));
    expect(parsed(webhook)).toMatchObject({ entry: [{ messaging: [{ message: { text: 'äöå 😀 https://x.test/a' } }] }] });
  });

  it('builds postback, quick reply, reaction and read events', async () => {
    const postback = await simulator.postback('1', 'START', 'Get Started');
    const quick = await simulator.quickReply('1', 'Yes', 'YES_PAYLOAD');
    await simulator.reaction('1', 'm_target', { reaction: 'like', emoji: '👍' });
    await simulator.read('1', NOW - 5);
    const events = receiver.received.map((webhook) => (parsed(webhook) as { entry: Array<{ messaging: Array<Record<string, unknown>> }> }).entry[0]?.messaging[0]);
    expect(events[0]).toMatchObject({ postback: { mid: postback.mid, title: 'Get Started', payload: 'START' } });
    expect(events[1]).toMatchObject({ message: { mid: quick.mid, text: 'Yes', quick_reply: { payload: 'YES_PAYLOAD' } } });
    expect(events[2]).toMatchObject({ reaction: { reaction: 'like', emoji: '👍', action: 'react', mid: 'm_target' } });
    expect(events[3]).toEqual({ sender: { id: '1' }, recipient: { id: PAGE }, timestamp: NOW, read: { watermark: NOW - 5 } });
  });

  it('delivers on standby when asked, without postback payloads', async () => {
    await simulator.postback('1', 'SECRET_PAYLOAD', 'Buy', { channel: 'standby' });
    const entry = (parsed(lastWebhook()) as { entry: Array<Record<string, unknown>> }).entry[0];
    expect(entry).not.toHaveProperty('messaging');
    expect(entry?.standby).toEqual([{ sender: { id: '1' }, recipient: { id: PAGE }, timestamp: NOW, postback: { mid: expect.any(String), title: 'Buy' } }]);
  });

  it('sends several entries and events in one signed batch', async () => {
    const base = simulator.eventBase('5');
    const first = buildTextMessageEvent(base, simulator.nextMid(), 'one');
    const second = buildTextMessageEvent(base, simulator.nextMid(), 'two');
    await simulator.sendBatch([{ messaging: [first, second] }, { pageId: '9090', time: 42, standby: [first] }]);
    const webhook = lastWebhook();
    expect(receiver.received).toHaveLength(1);
    expect(webhook?.headers['x-hub-signature-256']).toBe(expectedSignature(webhook?.raw ?? Buffer.alloc(0)));
    expect(parsed(webhook)).toEqual({
      object: 'page',
      entry: [
        { id: PAGE, time: NOW, messaging: [first, second] },
        { id: '9090', time: 42, standby: [first] },
      ],
    });
  });

  it('opts in to a one-time notification the linked emulator accepts exactly once', async () => {
    simulator.linkGraph(graph);
    const token = await simulator.optInOneTimeNotification('321', 'restock:sku-1');
    expect(parsed(lastWebhook())).toMatchObject({
      entry: [{ messaging: [{ sender: { id: '321' }, optin: { type: 'one_time_notif_req', payload: 'restock:sku-1', one_time_notif_token: token } }] }],
    });
    const notify = () =>
      httpCall(graph.url, 'POST', '/v21.0/me/messages', { query: { access_token: 'tok' }, json: { recipient: { one_time_notif_token: token }, message: { text: 'in stock' } } });
    expect((await notify()).body.recipient_id).toBe('321');
    expect((await notify()).status).toBe(400);
  });

  it('registers tokens over the control API when linked by URL', async () => {
    simulator.linkGraph(graph.url);
    const token = await simulator.optInOneTimeNotification('11', 'topic');
    expect(graph.isOtnTokenUsed(token)).toBe(false);
    const answer = await httpCall(graph.url, 'POST', `/v21.0/${PAGE}/messages`, {
      query: { access_token: 'tok' },
      json: { recipient: { one_time_notif_token: token }, message: { text: 'x' } },
    });
    expect(answer.status).toBe(200);
  });

  it('issues a fresh token per opt-in and throws when the ingress refuses the opt-in', async () => {
    const tokens = [await simulator.optInOneTimeNotification('1', 'a'), await simulator.optInOneTimeNotification('1', 'a')];
    expect(new Set(tokens).size).toBe(2);
    receiver.respondWith(401, 'bad signature');
    await expect(simulator.optInOneTimeNotification('1', 'a')).rejects.toThrow(/401/);
  });

  it('postRaw sends exactly the given bytes and headers, unsigned', async () => {
    const result = await simulator.postRaw(Buffer.from('{"object":"page","entry":['), { 'x-extra': 'yes' });
    const webhook = lastWebhook();
    expect(result.status).toBe(200);
    expect(webhook?.raw.toString('utf8')).toBe('{"object":"page","entry":[');
    expect(webhook?.headers['x-hub-signature-256']).toBeUndefined();
    expect(webhook?.headers['x-extra']).toBe('yes');
    expect(webhook?.headers['content-type']).toBe('application/json');
  });

  it('uses a custom webhook path and generates unique mids', async () => {
    const custom = new UserSimulator({ ingressUrl: `${receiver.url}/`, appSecret: SECRET, pageId: PAGE, webhookPath: '/meta/hook' });
    await custom.read('1', 1);
    expect(lastWebhook()?.url).toBe('/meta/hook');
    const mids = new Set(Array.from({ length: 200 }, () => simulator.nextMid()));
    expect(mids.size).toBe(200);
  });
});
