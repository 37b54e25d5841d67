import { PAGE_INBOX_APP_ID, type WebhookEventStored } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import { claimsIdleThread, isInboxEcho, ownerFromMetaHandover } from './routing-decisions.js';

const handover = (kind: 'pass_thread_control' | 'take_thread_control', body: Record<string, unknown>): WebhookEventStored => ({
  eventId: 'x',
  pageId: '1',
  psid: '2',
  channel: 'messaging',
  kind,
  timestamp: 0,
  receivedAt: '',
  event: { [kind]: body },
});

describe('routing decisions', () => {
  it('gives the thread to the Page Inbox when Meta says the inbox took or received it', () => {
    expect(ownerFromMetaHandover(handover('take_thread_control', { previous_owner_app_id: '9', new_owner_app_id: PAGE_INBOX_APP_ID }), 'sales')).toBe(PAGE_INBOX_APP_ID);
    expect(ownerFromMetaHandover(handover('pass_thread_control', { new_owner_app_id: Number(PAGE_INBOX_APP_ID) }), null)).toBe(PAGE_INBOX_APP_ID);
  });

  it('returns the thread to idle when the inbox passes it back, and ignores repeats', () => {
    expect(ownerFromMetaHandover(handover('pass_thread_control', { previous_owner_app_id: PAGE_INBOX_APP_ID, new_owner_app_id: '9' }), PAGE_INBOX_APP_ID)).toBeNull();
    expect(ownerFromMetaHandover(handover('pass_thread_control', { previous_owner_app_id: PAGE_INBOX_APP_ID, new_owner_app_id: '9' }), 'sales')).toBeUndefined();
    expect(ownerFromMetaHandover(handover('take_thread_control', { new_owner_app_id: PAGE_INBOX_APP_ID }), PAGE_INBOX_APP_ID)).toBeUndefined();
  });

  it('recognises a human reply from the Page Inbox by the echo app id', () => {
    const echo = { ...handover('pass_thread_control', {}), kind: 'echo' as const, event: { message: { is_echo: true, app_id: Number(PAGE_INBOX_APP_ID), mid: 'm' } } };
    expect(isInboxEcho(echo)).toBe(true);
    expect(isInboxEcho({ ...echo, event: { message: { is_echo: true, app_id: 42 } } })).toBe(false);
  });

  it('lets user interactions and opt-ins claim an idle thread, not reads or deliveries', () => {
    const of = (kind: WebhookEventStored['kind']) => ({ ...handover('pass_thread_control', {}), kind });
    expect(claimsIdleThread(of('message'))).toBe(true);
    expect(claimsIdleThread(of('postback'))).toBe(true);
    expect(claimsIdleThread(of('optin'))).toBe(true);
    expect(claimsIdleThread(of('read'))).toBe(false);
    expect(claimsIdleThread(of('delivery'))).toBe(false);
  });
});
