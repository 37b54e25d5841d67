import {
  buildEchoEvent,
  buildReadEvent,
  buildTextMessageEvent,
  buildWebhookBody,
  metaJsonStringify,
  newMid,
  signBody,
  UserSimulator,
} from '@app/messenger-emulator';
import { prefixed, threadPartition, UNROUTABLE_WEBHOOK_SUBJECT, webhookEventSubject } from '@app/contracts';
import { TokenCipher } from '@app/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue } from '../../apps/ingress/test/boot-ingress.js';
import type { StreamReader } from '../../apps/ingress/test/stream-reader.js';
import { numericId } from '../../apps/ingress/test/webhook-fixtures.js';
import { startIngress, type IngressUnderTest } from '../support/ingress-under-test.js';
import type { TestEnvironment } from '../support/test-environment.js';

const SECRET = 'test-app-secret'; // what createTestEnvironment sets as META_APP_SECRET
const VERIFY_TOKEN = 'test-verify-token';
const OTHER_APP = { id: '1111', secret: 'secret-of-app-1111' };
const BODY_LIMIT = 64 * 1024;

let env: TestEnvironment;
let app: NestFastifyApplication;
let url: string;
let reader: StreamReader;
let ingress: IngressUnderTest | undefined;

const post = (path: string, body: string | Uint8Array, headers: Record<string, string>) =>
  fetch(`${url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
const signedHeaders = (raw: string, secret = SECRET, extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  'x-hub-signature-256': signBody(raw, secret),
  ...extra,
});
const simulator = (pageId: string, options: { webhookPath?: string; appSecret?: string } = {}) =>
  new UserSimulator({ ingressUrl: url, appSecret: SECRET, pageId, ...options });
const metrics = async () => (await fetch(`${url}/metrics`)).text();

beforeAll(async () => {
  ingress = await startIngress({
    META_APP_SECRETS: `${OTHER_APP.id}=${OTHER_APP.secret}`,
    WEBHOOK_BODY_LIMIT_BYTES: String(BODY_LIMIT),
  });
  ({ env, app, url, reader } = ingress);
});

afterAll(() => ingress?.stop());

describe('GET /webhook (subscription handshake)', () => {
  const handshake = (query: string, path = '/webhook') => fetch(`${url}${path}?${query}`);

  it('echoes the challenge as text for our verify token', async () => {
    const response = await handshake(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('1158201444');
  });

  it('answers the handshake on a configured per-app path, not on an unknown one', async () => {
    const query = `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=7`;
    expect((await handshake(query, `/webhook/${OTHER_APP.id}`)).status).toBe(200);
    expect((await handshake(query, '/webhook/9999')).status).toBe(403);
  });

  it.each([
    ['a wrong verify token', 'hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1'],
    ['a wrong mode', `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`],
  ])('refuses %s with 403', async (_case, query) => {
    const response = await handshake(query);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'INVALID_VERIFY_TOKEN', message: expect.any(String) } });
  });
});

describe('POST /webhook: requests that are refused', () => {
  it('401s a body signed with another secret, reveals nothing and stores nothing', async () => {
    const pageId = numericId();
    const raw = metaJsonStringify(buildWebhookBody([{ pageId, time: Date.now(), messaging: [text(pageId, '1', 'secret words')] }]));
    const response = await post('/webhook', raw, signedHeaders(raw, 'not-the-secret'));
    const answer = await response.text();
    expect(response.status).toBe(401);
    expect(JSON.parse(answer)).toEqual({ error: { code: 'INVALID_SIGNATURE', message: expect.any(String) } });
    expect(answer).not.toContain(signBody(raw, SECRET).slice(7));
    expect(answer).not.toContain('secret words');
    expect(await reader.eventsOfPage(pageId)).toEqual([]);
  });

  it('401s a body without signature', async () => {
    const pageId = numericId();
    const raw = metaJsonStringify(buildWebhookBody([{ pageId, time: Date.now(), messaging: [text(pageId, '1', 'x')] }]));
    const response = await post('/webhook', raw, { 'content-type': 'application/json' });
    expect(response.status).toBe(401);
    expect(await reader.eventsOfPage(pageId)).toEqual([]);
  });

  it('400s signed bytes that are not JSON', async () => {
    const raw = '{"object":"page","entry":[';
    const response = await post('/webhook', raw, signedHeaders(raw));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'INVALID_JSON', message: expect.any(String) } });
  });

  it('400s a signed body nested deeper than 64 levels, and stores nothing', async () => {
    const pageId = numericId();
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const raw = `{"object":"page","entry":[{"id":"${pageId}","time":1,"messaging":[{"sender":{"id":"7"},"recipient":{"id":"${pageId}"},"timestamp":1,"message":{"mid":"m_deep_${pageId}","attachments":${deep}}}]}]}`;
    const response = await post('/webhook', raw, signedHeaders(raw));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'JSON_TOO_DEEP', message: expect.any(String) } });
    expect(await reader.eventsOfPage(pageId)).toEqual([]);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('400s a signed empty body', async () => {
    const response = await post('/webhook', '', signedHeaders(''));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'INVALID_JSON' } });
  });

  it('413s a body over the limit, in our error shape', async () => {
    const raw = JSON.stringify({ object: 'page', entry: [], padding: 'x'.repeat(BODY_LIMIT) });
    const response = await post('/webhook', raw, signedHeaders(raw));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
  });

  it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded'])('415s a %s body, in our error shape', async (type) => {
    const raw = '{"object":"page","entry":[]}';
    const response = await post('/webhook', raw, { ...signedHeaders(raw), 'content-type': type });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) } });
  });

  it('404s an app id without a configured secret', async () => {
    const raw = '{"object":"page","entry":[]}';
    const response = await post('/webhook/9999', raw, signedHeaders(raw));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'UNKNOWN_APP' } });
  });

  it('counts every refusal by reason', async () => {
    const text = await metrics();
    for (const reason of ['signature', 'json', 'size', 'content_type', 'verify_token', 'unknown_app']) {
      expect(metricValue(text, 'ingress_webhook_rejected_total', { reason }), reason).toBeGreaterThan(0);
    }
  });
});

describe('POST /webhook: batches that are stored', () => {
  it('stores 3 entries × 3 events, each in its thread partition, in order per thread, with one correlation id', async () => {
    const pageId = numericId();
    const [alice, bob, carol] = [numericId(), numericId(), numericId()];
    const entries = [
      { messaging: [text(pageId, alice, 'a1'), text(pageId, bob, 'b1'), buildReadEvent(base(pageId, carol), 1)] },
      { messaging: [text(pageId, alice, 'a2'), echo(pageId, bob, 'b2'), text(pageId, carol, 'c1')] },
      { standby: [text(pageId, alice, 'a3'), text(pageId, bob, 'b3'), text(pageId, carol, 'c2')] },
    ].map((events) => ({ pageId, time: Date.now(), ...events }));
    const raw = metaJsonStringify(buildWebhookBody(entries));

    const response = await post('/webhook', raw, signedHeaders(raw, SECRET, { 'x-correlation-id': 'batch-corr-1' }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('EVENT_RECEIVED');

    const stored = await reader.eventsOfPage(pageId);
    expect(stored).toHaveLength(9);
    const textsOf = (psid: string) => stored.filter((m) => m.data.psid === psid).map((m) => messageText(m.data));
    expect(textsOf(alice)).toEqual(['a1', 'a2', 'a3']);
    expect(textsOf(bob)).toEqual(['b1', 'b2', 'b3']);
    expect(textsOf(carol)).toEqual([undefined, 'c1', 'c2']);
    for (const message of stored) {
      const partition = threadPartition(pageId, message.data.psid as string);
      expect(message.subject).toBe(prefixed(env.prefix, webhookEventSubject(partition)));
      expect(message.data.correlationId).toBe('batch-corr-1');
      expect(message.correlationId).toBe('batch-corr-1');
    }
    expect(stored.map((m) => m.data.kind)).toEqual(['message', 'message', 'read', 'message', 'echo', 'message', 'message', 'message', 'message']);
    expect(stored.map((m) => m.data.channel)).toEqual([...Array(6).fill('messaging'), ...Array(3).fill('standby')]);
  });

  it('stores a redelivered batch once and counts the duplicates', async () => {
    const pageId = numericId();
    const entries = [1, 2, 3].map((n) => ({ pageId, time: Date.now(), messaging: [text(pageId, numericId(), `m${n}`)] }));
    const raw = metaJsonStringify(buildWebhookBody(entries));
    const duplicatesBefore = metricValue(await metrics(), 'ingress_events_duplicate_total', { kind: 'message' });

    expect((await post('/webhook', raw, signedHeaders(raw))).status).toBe(200);
    expect((await post('/webhook', raw, signedHeaders(raw))).status).toBe(200);

    expect(await reader.eventsOfPage(pageId)).toHaveLength(3);
    expect(metricValue(await metrics(), 'ingress_events_duplicate_total', { kind: 'message' }) - duplicatesBefore).toBe(3);
  });

  it('verifies the raw bytes Meta sends (escaped unicode and slashes) and stores the decoded text', async () => {
    const pageId = numericId();
    const sent = await simulator(pageId).sendText(numericId(), 'äöå / ✓ "quoted"');
    expect(sent.sentBody).toContain('\\u00e4');
    expect(sent.status).toBe(200);
    const [stored] = await reader.eventsOfPage(pageId);
    expect(stored!.data).toMatchObject({ eventId: `message:${sent.mid}`, kind: 'message' });
    expect(messageText(stored!.data)).toBe('äöå / ✓ "quoted"');
  });

  it('acknowledges another object and keeps it under the unroutable subject', async () => {
    const marker = numericId();
    const before = metricValue(await metrics(), 'ingress_webhook_unroutable_total', { reason: 'object' });
    const sent = await simulator(marker).postSigned({ object: 'instagram', entry: [{ id: marker, time: 1, messaging: [] }] });
    expect(sent.status).toBe(200);

    const kept = (await reader.all()).filter((m) => m.subject === prefixed(env.prefix, UNROUTABLE_WEBHOOK_SUBJECT) && m.text.includes(marker));
    expect(kept).toHaveLength(1);
    expect(kept[0]!.data).toMatchObject({ reason: 'object', object: 'instagram', body: { object: 'instagram' } });
    expect(metricValue(await metrics(), 'ingress_webhook_unroutable_total', { reason: 'object' }) - before).toBe(1);
  });

  it('stores an unknown event kind as an event of kind "unknown"', async () => {
    const pageId = numericId();
    const sent = await simulator(pageId).sendEvent({ sender: { id: '5' }, recipient: { id: pageId }, timestamp: 1, brand_new: { x: 1 } });
    expect(sent.status).toBe(200);
    expect((await reader.eventsOfPage(pageId)).map((m) => m.data.kind)).toEqual(['unknown']);
  });

  it('seals the One-Time Notification token: the stream never holds it in clear', async () => {
    const pageId = numericId();
    const psid = numericId();
    const token = await simulator(pageId).optInOneTimeNotification(psid, 'BACK_IN_STOCK');

    const [stored] = await reader.eventsOfPage(pageId);
    expect(stored!.text).not.toContain(token);
    expect(stored!.data).toMatchObject({ kind: 'optin', psid, event: { optin: { type: 'one_time_notif_req', payload: 'BACK_IN_STOCK' } } });
    const sealed = (stored!.data.sealed as { oneTimeNotifToken: string }).oneTimeNotifToken;
    expect(new TokenCipher(process.env.TOKEN_ENCRYPTION_KEY!).open(sealed)).toBe(token);
  });

  it('serves a per-app path with that app\'s own secret and records the receiving app', async () => {
    const pageId = numericId();
    const ownSecret = await simulator(pageId, { webhookPath: `/webhook/${OTHER_APP.id}`, appSecret: OTHER_APP.secret }).sendText(numericId(), 'hi');
    const defaultSecret = await simulator(pageId, { webhookPath: `/webhook/${OTHER_APP.id}` }).sendText(numericId(), 'hi');
    expect(ownSecret.status).toBe(200);
    expect(defaultSecret.status).toBe(401);
    const stored = await reader.eventsOfPage(pageId);
    expect(stored.map((m) => [m.data.eventId, m.data.receivingAppId])).toEqual([[`message:${ownSecret.mid}`, OTHER_APP.id]]);
  });

  it('keeps both copies of a message Meta sends to two of our apps, one on messaging and one on standby', async () => {
    const pageId = numericId();
    const event = text(pageId, numericId(), 'to both apps');
    const asStandby = metaJsonStringify(buildWebhookBody([{ pageId, time: Date.now(), standby: [event] }]));
    const asMessaging = metaJsonStringify(buildWebhookBody([{ pageId, time: Date.now(), messaging: [event] }]));
    expect((await post('/webhook', asStandby, signedHeaders(asStandby))).status).toBe(200);
    expect((await post(`/webhook/${OTHER_APP.id}`, asMessaging, signedHeaders(asMessaging, OTHER_APP.secret))).status).toBe(200);

    const stored = await reader.eventsOfPage(pageId);
    expect(stored.map((m) => m.data.channel)).toEqual(['standby', 'messaging']);
    // Each copy is still stored once when Meta redelivers it.
    expect((await post(`/webhook/${OTHER_APP.id}`, asMessaging, signedHeaders(asMessaging, OTHER_APP.secret))).status).toBe(200);
    expect(await reader.eventsOfPage(pageId)).toHaveLength(2);
  });

  it('reports NATS health and the ingress metrics', async () => {
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', info: { nats: { status: 'up' } } });
    const text = await metrics();
    expect(metricValue(text, 'ingress_events_published_total', { kind: 'message', channel: 'standby' })).toBeGreaterThanOrEqual(3);
    expect(text).toContain('ingress_publish_duration_seconds_bucket{le="0.005",outcome="stored"}');
    expect(metricValue(text, 'ingress_webhook_requests_total', { method: 'POST', status: '200' })).toBeGreaterThan(0);
  });
});

const base = (pageId: string, psid: string) => ({ pageId, psid, timestamp: Date.now() });
const text = (pageId: string, psid: string, body: string) => buildTextMessageEvent(base(pageId, psid), newMid(), body);
const echo = (pageId: string, psid: string, body: string) => buildEchoEvent(base(pageId, psid), { mid: newMid(), appId: '42', text: body });
const messageText = (data: Record<string, unknown>) => ((data.event as { message?: { text?: string } }).message ?? {}).text;
