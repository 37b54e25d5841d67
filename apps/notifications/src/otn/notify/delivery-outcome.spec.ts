import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ErrorCode } from '@app/contracts';
import { backoffDelayMs, classifyDeliveryFailure, isAmbiguousFailure } from './delivery-outcome.js';

const graph = (details: Record<string, unknown>) => ({ code: ErrorCode.GraphError, details });

describe('delivery failure classification', () => {
  it('retries what Meta flags transient and the documented retryable codes', () => {
    expect(classifyDeliveryFailure(graph({ code: 100, is_transient: true }))).toBe('transient');
    for (const code of [1200, 2, 4, 613]) expect(classifyDeliveryFailure(graph({ code, is_transient: false }))).toBe('transient');
  });

  it('treats any other Graph error as a spent token (§3), including 613 opt-in/abuse subcodes', () => {
    expect(classifyDeliveryFailure(graph({ code: 100, is_transient: false }))).toBe('token-spent');
    expect(classifyDeliveryFailure(graph({ code: 10, error_subcode: 2018108 }))).toBe('token-spent');
    expect(classifyDeliveryFailure(graph({ code: 613, error_subcode: 1893016 }))).toBe('token-spent');
    expect(classifyDeliveryFailure({ code: ErrorCode.GraphError, details: undefined })).toBe('token-spent');
  });

  it('retries when Meta or the sender did not answer', () => {
    for (const code of [ErrorCode.GraphUnavailable, ErrorCode.Timeout, ErrorCode.Unavailable, ErrorCode.Internal]) {
      expect(classifyDeliveryFailure({ code, details: undefined })).toBe('transient');
    }
  });

  it('spends the token when Meta refused it under another of our codes (window, unreachable user)', () => {
    expect(classifyDeliveryFailure({ code: ErrorCode.OutsideMessagingWindow, details: { code: 10, error_subcode: 2018278, is_transient: false } })).toBe('token-spent');
    expect(classifyDeliveryFailure({ code: ErrorCode.UserUnavailable, details: { code: 551, is_transient: false } })).toBe('token-spent');
    // our own window gate refused before Meta was asked: no Meta code in the details
    expect(classifyDeliveryFailure({ code: ErrorCode.OutsideMessagingWindow, details: { lastInteractionAt: null } })).toBe('not-sent');
  });

  it('keeps the token when Meta refused for the thread or the Page token, not for the notification token', () => {
    expect(classifyDeliveryFailure({ code: ErrorCode.NotThreadOwner, details: { code: 10, error_subcode: 2018300 } })).toBe('not-sent');
    expect(classifyDeliveryFailure({ code: ErrorCode.PageNeedsReauth, details: { code: 190 } })).toBe('not-sent');
  });

  it('keeps the token when the sender refused before calling Meta', () => {
    for (const code of [ErrorCode.NotThreadOwner, ErrorCode.UnknownPage, ErrorCode.AppUnsubscribed, ErrorCode.InvalidPayload]) {
      expect(classifyDeliveryFailure({ code, details: undefined })).toBe('not-sent');
    }
  });

  it('knows which failures may hide a delivered message', () => {
    expect(isAmbiguousFailure({ code: ErrorCode.Timeout })).toBe(true);
    expect(isAmbiguousFailure({ code: ErrorCode.GraphUnavailable })).toBe(false);
    expect(isAmbiguousFailure({ code: ErrorCode.GraphUnavailable, details: { status: 0, ambiguous: true } })).toBe(true); // Meta did not answer thread-ownership
    expect(isAmbiguousFailure(undefined)).toBe(false);
  });
});

describe('backoff', () => {
  it('doubles per attempt within [ceiling/2, ceiling] and never exceeds the cap', () => {
    expect(backoffDelayMs(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelayMs(3, 100, 10_000, () => 0)).toBe(200);
    expect(backoffDelayMs(3, 100, 10_000, () => 1)).toBe(400);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const delay = backoffDelayMs(attempt, 250, 60_000, () => r);
        return delay >= 0 && delay <= 60_000;
      }),
    );
  });
});
