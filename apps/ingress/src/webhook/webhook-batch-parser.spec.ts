import { randomBytes } from 'node:crypto';
import { webhookBodySchema, type WebhookBody } from '@app/contracts';
import { TokenCipher } from '@app/platform';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appRoles, entry, otnOptin, pageBody, pageEcho, postback, readReceipt, userMessage } from '../../test/webhook-fixtures.js';
import { parseWebhookBatch, type BatchContext } from './webhook-batch-parser.js';

const cipher = new TokenCipher(randomBytes(32).toString('base64'));
const context = (overrides: Partial<BatchContext> = {}): BatchContext => ({
  receivedAt: new Date('2026-11-25T10:00:00.000Z'),
  correlationId: 'corr-1',
  seal: (clear) => cipher.seal(clear),
  fingerprint: (data) => cipher.fingerprint(data),
  ...overrides,
});
const asBody = (value: unknown): WebhookBody => webhookBodySchema.parse(value);
const PAGE = '1001';

describe('parseWebhookBatch', () => {
  it('keeps every event of every entry, messaging before standby, in order', () => {
    const body = asBody(
      pageBody(
        entry(PAGE, { messaging: [userMessage(PAGE, '1', 'a'), userMessage(PAGE, '1', 'b')], standby: [readReceipt(PAGE, '2')] }),
        entry('1002', { standby: [postback('1002', '3')] }),
        entry(PAGE, { messaging: [pageEcho(PAGE, '1')] }),
      ),
    );
    const { events, entriesWithoutEvents } = parseWebhookBatch(body, context());
    expect(events.map((e) => [e.pageId, e.channel, e.kind])).toEqual([
      [PAGE, 'messaging', 'message'],
      [PAGE, 'messaging', 'message'],
      [PAGE, 'standby', 'read'],
      ['1002', 'standby', 'postback'],
      [PAGE, 'messaging', 'echo'],
    ]);
    expect(events.map((e) => (e.event.message as { text?: string } | undefined)?.text)).toEqual(['a', 'b', undefined, undefined, 'hi from the page']);
    expect(entriesWithoutEvents).toBe(0);
  });

  it('takes the thread user from the recipient of an echo and leaves it empty for app_roles', () => {
    const { events } = parseWebhookBatch(asBody(pageBody(entry(PAGE, { messaging: [pageEcho(PAGE, '42'), userMessage(PAGE, '43'), appRoles(PAGE)] }))), context());
    expect(events.map((e) => e.psid)).toEqual(['42', '43', '']);
  });

  it('keeps the event as Meta sent it, with numeric ids converted nowhere inside it', () => {
    const sent = { sender: { id: 7 }, recipient: { id: 1001 }, timestamp: 5, message: { mid: 'm_x', text: 'hi', extra: { nested: [1] } } };
    const { events } = parseWebhookBatch(asBody({ object: 'page', entry: [{ id: 1001, time: 4, messaging: [sent] }] }), context());
    expect(events[0]).toMatchObject({ eventId: 'message:m_x', pageId: '1001', psid: '7', timestamp: 5, event: sent });
  });

  it('falls back to the entry time, then to the receive time', () => {
    const received = context().receivedAt.getTime();
    const noTime = { sender: { id: '1' }, read: { watermark: 1 } };
    const body = asBody({ object: 'page', entry: [{ id: PAGE, time: 77, messaging: [noTime] }, { id: PAGE, messaging: [noTime] }] });
    expect(parseWebhookBatch(body, context()).events.map((e) => e.timestamp)).toEqual([77, received]);
  });

  it('stamps batch facts on every envelope; receivingAppId only on per-app paths', () => {
    const body = asBody(pageBody(entry(PAGE, { messaging: [userMessage(PAGE, '1')] })));
    const [plain] = parseWebhookBatch(body, context()).events;
    const [perApp] = parseWebhookBatch(body, context({ receivingAppId: '555' })).events;
    expect(plain).toMatchObject({ receivedAt: '2026-11-25T10:00:00.000Z', correlationId: 'corr-1' });
    expect(plain).not.toHaveProperty('receivingAppId');
    expect(perApp!.receivingAppId).toBe('555');
  });

  it('classifies what it does not know as unknown instead of dropping it', () => {
    const { events } = parseWebhookBatch(asBody(pageBody(entry(PAGE, { messaging: [{ sender: { id: '1' }, brand_new_feature: {} }] }))), context());
    expect(events).toHaveLength(1);
    expect(events[0]!.kind).toBe('unknown');
  });

  it('counts entries without messaging/standby events (e.g. feed changes)', () => {
    const body = asBody({ object: 'page', entry: [{ id: PAGE, time: 1, changes: [{ field: 'feed' }] }, entry(PAGE, { messaging: [userMessage(PAGE, '1')] })] });
    expect(parseWebhookBatch(body, context())).toMatchObject({ entriesWithoutEvents: 1, events: [{ kind: 'message' }] });
  });

  it('seals the OTN token: the envelope holds it only encrypted', () => {
    const body = asBody(pageBody(entry(PAGE, { messaging: [otnOptin(PAGE, '9', 'otn-secret-token')] })));
    const [event] = parseWebhookBatch(body, context()).events;
    expect(cipher.open(event!.sealed!.oneTimeNotifToken!)).toBe('otn-secret-token');
    expect(event!.event.optin).toEqual({ type: 'one_time_notif_req', payload: 'BACK_IN_STOCK' });
  });

  it("ids an event that held a token with the installation's key: stable, one per token, not the plain hash", () => {
    const optin = (token: string) => ({ ...otnOptin(PAGE, '9', token), timestamp: 1_764_000_000_000 }); // one event, delivered again
    const parse = (token: string, key = cipher) =>
      parseWebhookBatch(asBody(pageBody(entry(PAGE, { messaging: [optin(token)] }))), context({ fingerprint: (d) => key.fingerprint(d) })).events[0]!.eventId;
    const id = parse('otn-secret-token');
    expect(id).toMatch(/^k:[0-9a-f]{64}$/);
    expect(parse('otn-secret-token')).toBe(id);
    expect(parse('another-token')).not.toBe(id);
    expect(parse('otn-secret-token', new TokenCipher(randomBytes(32).toString('base64')))).not.toBe(id); // keyed
    expect(parseWebhookBatch(asBody(pageBody(entry(PAGE, { messaging: [readReceipt(PAGE, '9')] }))), context()).events[0]!.eventId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('property: the output never contains a clear OTN token', () => {
    const token = fc.string({ minLength: 8, maxLength: 64 }).filter((t) => !'one_time_notif_req BACK_IN_STOCK'.includes(t));
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 5 }), (tokens) => {
        const body = asBody(pageBody(entry(PAGE, { messaging: tokens.map((t) => otnOptin(PAGE, '9', t)), standby: [otnOptin(PAGE, '9', tokens[0]!)] })));
        const stored = JSON.stringify(parseWebhookBatch(body, context()).events);
        for (const t of tokens) expect(stored).not.toContain(JSON.stringify(t).slice(1, -1));
      }),
      { numRuns: 50 },
    );
  });

  it('property: a redelivered batch gets the same ids, even re-serialised with other key order and seals', () => {
    fc.assert(
      fc.property(batchArbitrary, (raw) => {
        const first = parseWebhookBatch(asBody(raw), context()).events.map((e) => e.eventId);
        const reordered = JSON.parse(JSON.stringify(raw, (_k, v: unknown) => reverseKeys(v))) as unknown;
        const again = parseWebhookBatch(asBody(reordered), context({ receivedAt: new Date() })).events.map((e) => e.eventId);
        expect(again).toEqual(first);
      }),
      { numRuns: 50 },
    );
  });

  it('property: distinct events of one batch get distinct ids', () => {
    fc.assert(
      fc.property(batchArbitrary, (raw) => {
        const ids = parseWebhookBatch(asBody(raw), context()).events.map((e) => e.eventId);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 50 },
    );
  });
});

function reverseKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).reverse());
}

/** 1–3 entries of 0–4 distinct events each (unique mids, watermarks and payloads), some on standby. */
const eventFactories = [
  (page: string, psid: string) => userMessage(page, psid),
  (page: string, psid: string) => pageEcho(page, psid),
  (page: string, psid: string) => postback(page, psid, `P_${Math.random()}`),
  (page: string, psid: string) => readReceipt(page, psid, Math.floor(Math.random() * 1e15)),
  (page: string, psid: string) => otnOptin(page, psid, `t_${Math.random()}`),
];
const eventArbitrary = fc.tuple(fc.nat({ max: eventFactories.length - 1 }), fc.constantFrom('1', '2', '3'), fc.boolean());
const batchArbitrary = fc
  .array(fc.tuple(fc.constantFrom('1001', '1002'), fc.array(eventArbitrary, { maxLength: 4 })), { minLength: 1, maxLength: 3 })
  .map((entries) =>
    pageBody(
      ...entries.map(([page, events]) => {
        const built = events.map(([factory, psid, onStandby]) => ({ event: eventFactories[factory]!(page, psid), onStandby }));
        return entry(page, { messaging: built.filter((e) => !e.onStandby).map((e) => e.event), standby: built.filter((e) => e.onStandby).map((e) => e.event) });
      }),
    ),
  );
