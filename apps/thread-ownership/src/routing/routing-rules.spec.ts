import { describe, expect, it } from 'vitest';
import { matchRule, type RoutingRule } from './routing-rules.js';

const rules: RoutingRule[] = [
  { match: { ref: 'survey-2026' }, appId: 'survey' },
  { match: { adId: '6045' }, appId: 'sales' },
  { match: { source: 'SHORTLINK', ref: 'support' }, appId: 'support' },
];

describe('entry-point routing rules', () => {
  it('matches an m.me ref in a standalone referral event', () => {
    expect(matchRule(rules, { referral: { ref: 'survey-2026', source: 'SHORTLINK', type: 'OPEN_THREAD' } })?.appId).toBe('survey');
  });

  it('matches a click-to-Messenger ad inside the first message, numbers or strings alike', () => {
    expect(matchRule(rules, { message: { mid: 'm', text: 'hi', referral: { ad_id: 6045, source: 'ADS' } } })?.appId).toBe('sales');
  });

  it('matches a referral inside a Get Started postback and needs every condition of a rule', () => {
    expect(matchRule(rules, { postback: { payload: 'GET_STARTED', referral: { ref: 'support', source: 'SHORTLINK' } } })?.appId).toBe('support');
    expect(matchRule(rules, { postback: { payload: 'GET_STARTED', referral: { ref: 'support', source: 'ADS' } } })).toBeUndefined();
  });

  it('leaves events without a referral, or with an unknown one, to the default app', () => {
    expect(matchRule(rules, { message: { mid: 'm', text: 'hi' } })).toBeUndefined();
    expect(matchRule(rules, { referral: { ref: 'other' } })).toBeUndefined();
  });
});
