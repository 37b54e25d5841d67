import { describe, expect, it } from 'vitest';
import type { WebhookEventStored } from '@app/contracts';
import { parseOtnOptIn } from './otn-optin.js';

const optinEvent = (optin: Record<string, unknown>, sealed?: string, kind: WebhookEventStored['kind'] = 'optin'): WebhookEventStored => ({
  eventId: 'optin:1',
  pageId: '111',
  psid: '222',
  channel: 'messaging',
  kind,
  timestamp: 1_760_000_000_000,
  receivedAt: new Date(0).toISOString(),
  event: { optin },
  ...(sealed ? { sealed: { oneTimeNotifToken: sealed } } : {}),
});

describe('OTN opt-in parsing', () => {
  it('takes the topic from the payload and the sealed token', () => {
    expect(parseOtnOptIn(optinEvent({ type: 'one_time_notif_req', payload: 'sku-1' }, 'v1.sealed'))).toEqual({ topic: 'sku-1', sealedToken: 'v1.sealed' });
  });

  it('ignores other opt-ins, missing tokens, missing topics and other kinds', () => {
    expect(parseOtnOptIn(optinEvent({ type: 'notification_messages', payload: 'x' }, 'v1.s'))).toBeNull();
    expect(parseOtnOptIn(optinEvent({ ref: 'plugin' }, 'v1.s'))).toBeNull();
    expect(parseOtnOptIn(optinEvent({ type: 'one_time_notif_req', payload: 'sku-1' }))).toBeNull();
    expect(parseOtnOptIn(optinEvent({ type: 'one_time_notif_req' }, 'v1.s'))).toBeNull();
    expect(parseOtnOptIn(optinEvent({ type: 'one_time_notif_req', payload: 'sku-1' }, 'v1.s', 'message'))).toBeNull();
  });
});
