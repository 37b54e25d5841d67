import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OTN_TITLE_MAX_LENGTH } from '@app/contracts';
import { isTitleTooLong, isTokenUsable, optInTemplate, throttleDecision, titleLength, TOKEN_LIFETIME_MS, tokenExpiresAt } from './otn.rules.js';

describe('token expiry', () => {
  const created = new Date('2026-03-01T10:00:00.000Z');
  const expires = tokenExpiresAt(created);

  it('expires 365 days after creation, never later than a calendar year', () => {
    expect(expires.toISOString()).toBe('2027-03-01T10:00:00.000Z');
    expect(tokenExpiresAt(new Date('2028-01-10T00:00:00.000Z')).toISOString()).toBe('2029-01-09T00:00:00.000Z');
  });

  it('is usable 1 ms before the expiry instant, not at it or after', () => {
    expect(isTokenUsable(expires, new Date(expires.getTime() - 1))).toBe(true);
    expect(isTokenUsable(expires, expires)).toBe(false);
    expect(isTokenUsable(expires, new Date(expires.getTime() + 1))).toBe(false);
  });

  it('holds for any creation time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), (t) => {
        const e = tokenExpiresAt(new Date(t));
        return e.getTime() - t === TOKEN_LIFETIME_MS && isTokenUsable(e, new Date(t)) && !isTokenUsable(e, e);
      }),
    );
  });
});

describe('title length', () => {
  it(`allows ${OTN_TITLE_MAX_LENGTH} characters and refuses one more`, () => {
    expect(isTitleTooLong('a'.repeat(OTN_TITLE_MAX_LENGTH))).toBe(false);
    expect(isTitleTooLong('a'.repeat(OTN_TITLE_MAX_LENGTH + 1))).toBe(true);
  });

  it('counts an emoji as one character', () => {
    expect(titleLength('🔔'.repeat(3))).toBe(3);
    expect(isTitleTooLong('🔔'.repeat(OTN_TITLE_MAX_LENGTH))).toBe(false);
  });
});

describe('request throttle', () => {
  const asked = new Date('2026-05-01T12:00:00.000Z');
  const day = 24 * 60 * 60 * 1000;

  it('lets the first ask through', () => {
    expect(throttleDecision(null, asked, day)).toEqual({ throttled: false });
  });

  it('refuses a repeat inside the throttle and tells when to retry', () => {
    const decision = throttleDecision(asked, new Date(asked.getTime() + day - 1), day);
    expect(decision).toEqual({ throttled: true, retryAfter: new Date(asked.getTime() + day) });
  });

  it('lets a repeat through once the throttle has passed', () => {
    expect(throttleDecision(asked, new Date(asked.getTime() + day), day)).toEqual({ throttled: false });
  });

  it('never throttles when disabled', () => {
    expect(throttleDecision(asked, asked, 0)).toEqual({ throttled: false });
  });
});

describe('opt-in template', () => {
  it('is the one_time_notif_req template with the topic as payload', () => {
    expect(optInTemplate('Back in stock?', 'sku-42')).toEqual({
      attachment: { type: 'template', payload: { template_type: 'one_time_notif_req', title: 'Back in stock?', payload: 'sku-42' } },
    });
  });
});
