import { PAGE_INBOX_APP_ID, type WebhookEventStored } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import type { PageView } from '../pages/pages.service.js';
import { deadLetterDeliveries } from './dead-letters.js';
import { returnTarget } from './unhealthy-apps.service.js';

const envelope: WebhookEventStored = {
  eventId: 'message:m_1',
  pageId: '10',
  psid: '20',
  channel: 'messaging',
  kind: 'message',
  timestamp: 1,
  receivedAt: new Date(0).toISOString(),
  event: { sender: { id: '20' }, recipient: { id: '10' }, message: { mid: 'm_1', text: 'hi' } },
};

const view = (defaultOwnerAppId: string | null, apps: Array<[string, boolean]>) =>
  ({
    page: { id: '10', defaultOwnerAppId },
    apps: apps.map(([appId, subscribed]) => ({ pageId: '10', appId, role: 'bot', canTake: false, subscribed })),
  }) as unknown as PageView;

describe('dead letters', () => {
  it('keeps what an unsubscribed app would have received, on dead.bot.<appId>, with the same key', () => {
    const [letter] = deadLetterDeliveries(envelope, [{ appId: 'gone' }], 'sales');
    expect(letter).toMatchObject({ subject: 'dead.bot.gone', msgId: 'dead:message:m_1:gone' });
    expect(letter!.payload).toMatchObject({ idempotencyKey: 'message:m_1:gone', channel: 'standby', ownerAppId: 'sales' });
  });
});

describe('where the threads of an unhealthy app go', () => {
  it('to the default app when it is another subscribed app, else to the Page Inbox', () => {
    expect(returnTarget(view('sales', [['sales', true], ['flaky', false]]), 'flaky')).toBe('sales');
    expect(returnTarget(view('flaky', [['sales', true], ['flaky', false]]), 'flaky')).toBe(PAGE_INBOX_APP_ID);
    expect(returnTarget(view('sales', [['sales', false], ['flaky', false]]), 'flaky')).toBe(PAGE_INBOX_APP_ID);
    expect(returnTarget(view(null, [['flaky', false]]), 'flaky')).toBe(PAGE_INBOX_APP_ID);
  });
});
