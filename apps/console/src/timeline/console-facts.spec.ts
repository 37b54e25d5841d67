import { PAGE_INBOX_APP_ID, type BotEventDelivered, type OutboundMessageSent, type ThreadOwnerChanged, type WebhookEventStored } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import { botDeliveryFact, messageSummary, outboundFact, ownerChangedFact, webhookFact } from './console-facts.js';

const T = 1_764_072_000_000;
const stored = (over: Partial<WebhookEventStored>): WebhookEventStored => ({
  eventId: 'message:m_1',
  pageId: '100',
  psid: '200',
  channel: 'messaging',
  kind: 'message',
  timestamp: T,
  receivedAt: new Date(T).toISOString(),
  event: { sender: { id: '200' }, recipient: { id: '100' }, timestamp: T, message: { mid: 'm_1', text: 'hi <there>' } },
  ...over,
});
const delivered = (over: Partial<BotEventDelivered>): BotEventDelivered => ({
  idempotencyKey: 'message:m_1:sales',
  appId: 'sales',
  pageId: '100',
  psid: '200',
  channel: 'messaging',
  kind: 'message',
  timestamp: T,
  ownerAppId: 'sales',
  event: {},
  ...over,
});

describe('webhookFact', () => {
  it('turns a user message into an "in" entry that opens the window', () => {
    const fact = webhookFact(stored({}));
    expect(fact?.entry).toMatchObject({ dedupeKey: 'event:message:m_1', direction: 'in', kind: 'message', summary: 'hi <there>' });
    expect(fact?.thread).toMatchObject({ pageId: '100', psid: '200', inAt: new Date(T), summary: 'hi <there>' });
  });

  it('records a one-time notification opt-in as a notification, never with its token', () => {
    const optin = { type: 'one_time_notif_req', payload: 'back-in-stock' };
    const fact = webhookFact(stored({ kind: 'optin', eventId: 'optin:x', event: { optin } }));
    expect(fact?.entry).toMatchObject({ direction: 'notification', summary: 'Agreed to one notification about "back-in-stock"' });
    expect(fact?.thread.inAt).toBeUndefined();
  });

  it('keys an echo like the send it echoes, so one message makes one row', () => {
    const fact = webhookFact(stored({ kind: 'echo', event: { message: { is_echo: true, mid: 'm_out', text: 'hello', app_id: 42 } } }));
    expect(fact?.entry).toMatchObject({ dedupeKey: 'out:m_out', direction: 'out', appId: null, summary: 'hello' });
  });

  it('ignores receipts and Page-level events', () => {
    expect(webhookFact(stored({ kind: 'read' }))).toBeUndefined();
    expect(webhookFact(stored({ kind: 'app_roles', psid: '' }))).toBeUndefined();
  });
});

describe('outboundFact', () => {
  const sent = (over: Partial<OutboundMessageSent>): OutboundMessageSent => ({
    messageId: 'm_out',
    appId: 'sales',
    pageId: '100',
    psid: '200',
    sentAt: new Date(T).toISOString(),
    oneTimeNotification: false,
    message: { text: 'Sure!' },
    ...over,
  });

  it('is an "out" entry with the sender, keyed by the message id', () => {
    expect(outboundFact(sent({})).entry).toMatchObject({ dedupeKey: 'out:m_out', direction: 'out', appId: 'sales', summary: 'Sure!' });
  });

  it('tells one-time notification requests and sends apart', () => {
    const template = { attachment: { type: 'template', payload: { template_type: 'one_time_notif_req', title: 'Back in stock?', payload: 'restock' } } };
    expect(outboundFact(sent({ message: template })).entry).toMatchObject({ direction: 'notification', kind: 'otn_request', summary: 'Asked to notify once about "restock": Back in stock?' });
    expect(outboundFact(sent({ oneTimeNotification: true })).entry).toMatchObject({ direction: 'notification', kind: 'otn_send', summary: 'One-time notification: Sure!' });
  });
});

describe('botDeliveryFact', () => {
  it('reports the owner at its stream position, without a timeline entry, for routed events', () => {
    const fact = botDeliveryFact(delivered({ channel: 'standby', ownerAppId: 'support' }), 17);
    expect(fact).toMatchObject({ owner: { appId: 'support', seq: 17 } });
    expect(fact?.entry).toBeUndefined();
  });

  it('keys a handover without the receiving app, so every copy makes one row', () => {
    const body = { previous_owner_app_id: 'sales', new_owner_app_id: PAGE_INBOX_APP_ID, metadata: 'needs a human' };
    const copy = (appId: string) =>
      botDeliveryFact(delivered({ appId, channel: 'handover', kind: 'take_thread_control', idempotencyKey: `handover:abc:${appId}`, ownerAppId: PAGE_INBOX_APP_ID, event: { take_thread_control: body } }), 5);
    expect(copy('sales')?.entry).toMatchObject({ dedupeKey: 'bot:handover:abc', direction: 'handover', summary: 'Page Inbox took the thread from sales', details: { metadata: 'needs a human' } });
    expect(copy('support')?.entry?.dedupeKey).toBe('bot:handover:abc');
    expect(copy('sales')?.owner).toEqual({ appId: PAGE_INBOX_APP_ID, seq: 5 });
  });

  it('describes an idle lapse', () => {
    const event = { release_thread_control: { previous_owner_app_id: 'sales', new_owner_app_id: null, reason: 'idle_timeout' } };
    const fact = botDeliveryFact(delivered({ channel: 'handover', kind: 'release_thread_control', idempotencyKey: 'handover:z:sales', ownerAppId: null, event }), 9);
    expect(fact?.entry?.summary).toBe("sales's ownership lapsed (idle timeout)");
  });
});

describe('ownerChangedFact', () => {
  const changed = (over: Partial<ThreadOwnerChanged>): ThreadOwnerChanged => ({
    pageId: '100',
    psid: '200',
    previousOwnerAppId: 'sales',
    ownerAppId: null,
    action: 'release',
    actorAppId: 'sales',
    metadata: 'done',
    version: 7,
    streamSeq: 40,
    notifiedAppIds: [],
    at: new Date(T).toISOString(),
    ...over,
  });

  it('reports the owner at its row version, so a newer change wins whatever order the facts arrive in', () => {
    expect(ownerChangedFact(changed({})).owner).toEqual({ appId: null, seq: 0, version: 7 });
  });

  it('puts a change no bot was told about on the timeline, once per change', () => {
    const fact = ownerChangedFact(changed({}));
    expect(fact.entry).toMatchObject({ dedupeKey: 'owner:100:200:7', direction: 'handover', kind: 'owner_release', appId: 'sales', summary: 'sales released the thread', details: { metadata: 'done' } });
    expect(fact.thread).toMatchObject({ pageId: '100', psid: '200', at: new Date(T), summary: 'sales released the thread' });
    const claim = ownerChangedFact(changed({ action: 'default', previousOwnerAppId: null, ownerAppId: 'sales', actorAppId: null, version: 1 }));
    expect(claim.entry?.summary).toBe('sales got the idle thread (default app or routing rule)');
    const inboxTake = ownerChangedFact(changed({ action: 'take', previousOwnerAppId: null, ownerAppId: PAGE_INBOX_APP_ID, actorAppId: PAGE_INBOX_APP_ID }));
    expect(inboxTake.entry?.summary).toBe('Page Inbox took the thread from nobody');
  });

  it('leaves the entry of a change bots were told about to their handover delivery', () => {
    const fact = ownerChangedFact(changed({ action: 'pass', ownerAppId: 'support', notifiedAppIds: ['sales', 'support'] }));
    expect(fact.entry).toBeUndefined();
    expect(fact.owner).toEqual({ appId: 'support', seq: 0, version: 7 });
  });
});

describe('messageSummary', () => {
  it('summarises attachments and quick replies', () => {
    expect(messageSummary({ attachments: [{ type: 'image' }, { type: 'file' }] })).toBe('[image] [file]');
    expect(messageSummary({ text: 'Yes', quick_reply: { payload: 'YES' } })).toBe('Yes (quick reply YES)');
    expect(messageSummary({ text: 'x'.repeat(600) })).toHaveLength(500);
  });
});
