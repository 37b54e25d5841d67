import { describe, expect, it } from 'vitest';
import { ErrorCode, RpcError } from '@app/contracts';
import { isFinalRefusal } from './final-refusal.js';

describe('isFinalRefusal', () => {
  it('is final for the rules, an unreachable user, a dead Page token and Meta refusing for good', () => {
    for (const code of [ErrorCode.NotThreadOwner, ErrorCode.OutsideMessagingWindow, ErrorCode.UserUnavailable, ErrorCode.PageNeedsReauth, ErrorCode.OtnNoTokenLeft, ErrorCode.NotAllowed]) {
      expect(isFinalRefusal(new RpcError(code, 'x'))).toBe(true);
    }
    expect(isFinalRefusal(new RpcError(ErrorCode.GraphError, 'x', { code: 100, is_transient: false }))).toBe(true);
    // a send Meta may have got: another delivery would send it again
    expect(isFinalRefusal(new RpcError(ErrorCode.GraphUnavailable, 'x', { status: 0, ambiguous: true }))).toBe(true);
  });

  it('is not final for what may pass later, nor for errors that are not the suite\u2019s answers', () => {
    for (const code of [ErrorCode.GraphUnavailable, ErrorCode.Unavailable, ErrorCode.Timeout, ErrorCode.Internal]) {
      expect(isFinalRefusal(new RpcError(code, 'x'))).toBe(false);
    }
    expect(isFinalRefusal(new RpcError(ErrorCode.GraphError, 'x', { code: 2, is_transient: true }))).toBe(false);
    // Meta's try-again codes, whatever is_transient says (the suite retries them too), but 613's abuse and opt-in subcodes
    for (const code of [1200, 2, 4, 613]) expect(isFinalRefusal(new RpcError(ErrorCode.GraphError, 'x', { code, is_transient: false }))).toBe(false);
    expect(isFinalRefusal(new RpcError(ErrorCode.GraphError, 'x', { code: 613, error_subcode: 2018338 }))).toBe(true);
    expect(isFinalRefusal(new Error('database down'))).toBe(false);
    expect(isFinalRefusal('NOT_THREAD_OWNER')).toBe(false);
  });
});
