import type { WebhookEventStored } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import { forStandby, handoverDeliveries, routedDeliveries } from './bot-events.js';

const envelope = (over: Partial<WebhookEventStored> = {}): WebhookEventStored => ({
  eventId: 'postback:m_1',
  pageId: '10',
  psid: '20',
  channel: 'messaging',
  kind: 'postback',
  timestamp: 1,
  receivedAt: new Date(0).toISOString(),
  event: { sender: { id: '20' }, recipient: { id: '10' }, postback: { mid: 'm_1', title: 'Buy', payload: 'BUY_42' } },
  ...over,
});
const bots = [{ appId: 'sales' }, { appId: 'support' }, { appId: 'survey' }];

describe('routedDeliveries', () => {
  it('gives the owner messaging and every other bot standby, with stable per-app keys', () => {
    const out = routedDeliveries(envelope(), bots, 'support');
    expect(out.map((d) => [d.subject, d.msgId])).toEqual([
      ['bot.sales.standby', 'postback:m_1:sales'],
      ['bot.support.messaging', 'postback:m_1:support'],
      ['bot.survey.standby', 'postback:m_1:survey'],
    ]);
    expect(routedDeliveries(envelope(), bots, 'support')).toEqual(out);
  });

  it('removes the postback payload from standby copies only', () => {
    const out = routedDeliveries(envelope(), bots, 'support');
    const bySubject = Object.fromEntries(out.map((d) => [d.subject, d.payload.event as Record<string, any>]));
    expect(bySubject['bot.support.messaging']!.postback.payload).toBe('BUY_42');
    expect(bySubject['bot.sales.standby']!.postback).toEqual({ mid: 'm_1', title: 'Buy' });
  });

  it('sends everything on standby while Meta itself delivers the event on standby', () => {
    const out = routedDeliveries(envelope({ channel: 'standby' }), bots, 'support');
    expect(out.every((d) => d.subject.endsWith('.standby'))).toBe(true);
  });

  it('sends everything on standby to an idle thread, and skips the excluded sender', () => {
    const out = routedDeliveries(envelope(), bots, null, 'sales');
    expect(out.map((d) => d.subject)).toEqual(['bot.support.standby', 'bot.survey.standby']);
  });

  it('leaves events without a postback payload untouched', () => {
    const event = { message: { mid: 'x', text: 'hi' } };
    expect(forStandby(event)).toBe(event);
  });
});

describe('handoverDeliveries', () => {
  it('builds one Meta-shaped handover event per distinct recipient', () => {
    const out = handoverDeliveries(
      { kind: 'pass_thread_control', pageId: '10', psid: '20', body: { previous_owner_app_id: 'sales', new_owner_app_id: 'support', metadata: 'm' }, ownerAppId: 'support', at: new Date(5) },
      ['sales', 'support', 'support'],
    );
    expect(out.map((d) => d.subject)).toEqual(['bot.sales.handover', 'bot.support.handover']);
    expect(out[0]!.payload.event).toEqual({
      sender: { id: '20' },
      recipient: { id: '10' },
      timestamp: 5,
      pass_thread_control: { previous_owner_app_id: 'sales', new_owner_app_id: 'support', metadata: 'm' },
    });
    expect(new Set(out.map((d) => d.msgId)).size).toBe(2);
  });
});
