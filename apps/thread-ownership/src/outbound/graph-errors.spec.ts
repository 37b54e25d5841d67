import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@app/contracts';
import { GraphApiError, PageThrottledError } from '@app/graph-api';
import { DomainError } from '@app/platform';
import { toDomainError } from './graph-errors.js';

const meta = (code: number, subcode?: number, status = 400) => new GraphApiError(status, code, subcode, false, 'trace', 'refused');
const codeOf = (error: GraphApiError) => (toDomainError(error) as DomainError).code;

describe('toDomainError (Meta refusals, reference §2.9 and §5.6)', () => {
  it('maps both not-the-owner refusals, the window refusals and the unreachable user', () => {
    expect([meta(10, 2018300), meta(100, 2534037)].map(codeOf)).toEqual([ErrorCode.NotThreadOwner, ErrorCode.NotThreadOwner]);
    expect([meta(10, 2018278), meta(10, 2534022), meta(10, 2018065)].map(codeOf)).toEqual(Array(3).fill(ErrorCode.OutsideMessagingWindow));
    expect([meta(551), meta(551, 1545041), meta(200, 1545041), meta(1545041), meta(10, 2018108), meta(100, 2018001)].map(codeOf)).toEqual(Array(6).fill(ErrorCode.UserUnavailable));
  });

  it('says "later" for the automated Q&A flow, rate limits and outages; re-install for 190', () => {
    expect(codeOf(meta(10, 2018321))).toBe(ErrorCode.GraphUnavailable);
    expect(codeOf(new PageThrottledError('1', Date.now() + 1000))).toBe(ErrorCode.GraphUnavailable);
    expect(codeOf(meta(2, undefined, 500))).toBe(ErrorCode.GraphUnavailable);
    expect(codeOf(meta(190, 460))).toBe(ErrorCode.PageNeedsReauth);
  });

  it('keeps every other refusal a GRAPH_ERROR with Meta\u2019s codes, and lets other errors through', () => {
    const error = toDomainError(meta(100, 2018109)) as DomainError;
    expect(error.code).toBe(ErrorCode.GraphError);
    expect(error.details).toMatchObject({ code: 100, error_subcode: 2018109 });
    expect(codeOf(meta(100))).toBe(ErrorCode.GraphError); // a bare 100 is not "no matching user" (2018001)
    expect(codeOf(meta(200, 2018028))).toBe(ErrorCode.GraphError); // a permission error, not the user
    const other = new Error('x');
    expect(toDomainError(other)).toBe(other);
  });
});
