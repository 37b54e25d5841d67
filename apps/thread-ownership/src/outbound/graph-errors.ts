import { ErrorCode } from '@app/contracts';
import { GraphApiError, PageThrottledError } from '@app/graph-api';
import { DomainError } from '@app/platform';

/** Meta's failure → our typed error; the details keep Meta's codes so bots can act on them. */
export function toDomainError(error: unknown): unknown {
  if (!(error instanceof GraphApiError)) return error;
  if (error.code === 10 && error.subcode === 2018300) {
    return new DomainError(ErrorCode.NotThreadOwner, 'another app controls this thread at Meta', error.details);
  }
  if (error.code === 10 && error.subcode === 2018278) {
    return new DomainError(ErrorCode.OutsideMessagingWindow, 'Meta refused: outside the allowed window', error.details);
  }
  if (error.isInvalidToken) {
    return new DomainError(ErrorCode.PageNeedsReauth, 'Meta refused the Page token; install the app on the Page again', error.details);
  }
  if (error instanceof PageThrottledError) {
    return new DomainError(ErrorCode.GraphUnavailable, 'Meta is rate limiting this Page; retry later', error.details);
  }
  if (error.status === 0 || error.status >= 500) {
    return new DomainError(ErrorCode.GraphUnavailable, 'the Graph API is unavailable', error.details);
  }
  return new DomainError(ErrorCode.GraphError, `Graph API error ${error.code}${error.subcode ? `/${error.subcode}` : ''}`, error.details);
}

/** A 190: the Page's stored token is dead and the Page must be flagged (PagesService.tokenRefused). */
export const isInvalidToken = (error: unknown): error is GraphApiError => error instanceof GraphApiError && error.isInvalidToken;
