import { describe, expect, it } from 'vitest';
import { ErrorCode, RpcError } from '@app/contracts';
import { isFinalRefusal } from './final-refusal.js';

describe('isFinalRefusal', () => {
  it('is final for the rules, an unreachable user, a dead Page token and Meta refusing for good', () => {
    for (const code of [ErrorCode.NotThreadOwner, ErrorCode.OutsideMessagingWindow, ErrorCode.UserUnavailable, ErrorCode.PageNeedsReauth, ErrorCode.OtnNoTokenLeft, ErrorCode.NotAllowed]) {
      expect(isFinalRefusal(new RpcError(code, 'x'))).toBe(true);
    }
    expect(isFinalRefusal(new RpcError(ErrorCode.GraphError, 'x', { code: 100, is_transient: false }))).toBe(true);
  });

  it('is not final for what may pass later, nor for errors that are not the suite\u2019s answers', () => {
    for (const code of [ErrorCode.GraphUnavailable, ErrorCode.Unavailable, ErrorCode.Timeout, ErrorCode.Internal]) {
      expect(isFinalRefusal(new RpcError(code, 'x'))).toBe(false);
    }
    expect(isFinalRefusal(new RpcError(ErrorCode.GraphError, 'x', { code: 2, is_transient: true }))).toBe(false);
    expect(isFinalRefusal(new Error('database down'))).toBe(false);
    expect(isFinalRefusal('NOT_THREAD_OWNER')).toBe(false);
  });
});
