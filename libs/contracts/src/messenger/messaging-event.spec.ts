import { describe, expect, it } from 'vitest';
import { opensMessagingWindow } from './messaging-event.js';

describe('opensMessagingWindow (§5.3)', () => {
  it('opens on user interactions and a Send to Messenger plugin opt-in', () => {
    for (const kind of ['message', 'postback', 'reaction', 'referral'] as const) expect(opensMessagingWindow(kind, {})).toBe(true);
    expect(opensMessagingWindow('optin', { optin: { ref: 'spring-sale' } })).toBe(true);
  });

  it('stays shut on notification opt-ins, checkbox opt-ins and everything else', () => {
    expect(opensMessagingWindow('optin', { optin: { type: 'one_time_notif_req', payload: 'x' } })).toBe(false);
    expect(opensMessagingWindow('optin', { optin: { type: 'notification_messages', payload: 'x' } })).toBe(false);
    expect(opensMessagingWindow('optin', { optin: { ref: 'r', user_ref: 'u' } })).toBe(false);
    expect(opensMessagingWindow('read', {})).toBe(false);
    expect(opensMessagingWindow('echo', {})).toBe(false);
  });
});
