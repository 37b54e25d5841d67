import { describe, expect, it } from 'vitest';
import { classifyEvent, opensMessagingWindow } from './messaging-event.js';

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
    // an ad click alone is not a message (the message after it opens the window), nor is an unreact
    expect(opensMessagingWindow('referral', { referral: { source: 'ADS', type: 'OPEN_THREAD', ad_id: '1' } })).toBe(false);
    expect(opensMessagingWindow('referral', { referral: { source: 'SHORTLINK', type: 'OPEN_THREAD', ref: 'r' } })).toBe(true);
    expect(opensMessagingWindow('reaction', { reaction: { action: 'unreact', mid: 'm_1' } })).toBe(false);
    expect(opensMessagingWindow('reaction', { reaction: { action: 'react', emoji: 'x', mid: 'm_1' } })).toBe(true);
    expect(opensMessagingWindow('echo', {})).toBe(false);
  });
});

describe('classifyEvent', () => {
  it('knows a policy enforcement notice under both spellings of its key (unconfirmed, §8 #12)', () => {
    expect(classifyEvent({ recipient: { id: '1' }, timestamp: 1, policy_enforcement: { action: 'block', reason: 'r' } })).toBe('policy_enforcement');
    expect(classifyEvent({ recipient: { id: '1' }, timestamp: 1, 'policy-enforcement': { action: 'warning', reason: 'r' } })).toBe('policy_enforcement');
    expect(classifyEvent({ recipient: { id: '1' }, timestamp: 1, something_new: {} })).toBe('unknown');
  });
});
