import { ErrorCode } from '@app/contracts';
import { GraphApiError, PageThrottledError } from '@app/graph-api';
import { DomainError } from '@app/platform';

/** Meta's refusals by meaning (reference §2.9 and §5.6), as `code/subcode` or `code/*`. */
const NOT_THREAD_OWNER = new Set(['10/2018300', '100/2534037']);
const OUTSIDE_WINDOW = new Set(['10/2018278', '10/2534022', '10/2018065']);
/**
 * "This person isn't available right now" / blocked, can't receive now, no such user. 1545041 is
 * also listed as "window closed" in one guide; either way it is not worth retrying (§5.6 note).
 */
const USER_UNAVAILABLE = new Set(['551/*', '*/1545041', '1545041/*', '10/2018108', '100/2018001']);
/** Messenger's automated Q&A flow holds the chat (2018321): try again after it ends. */
const LATER = new Set(['*/2018321']);

function matches(set: Set<string>, error: GraphApiError): boolean {
  const subcode = error.subcode ?? 0;
  return set.has(`${error.code}/${subcode}`) || set.has(`${error.code}/*`) || set.has(`*/${subcode}`);
}

/** Meta's failure → our typed error; the details keep Meta's codes so bots can act on them. */
export function toDomainError(error: unknown): unknown {
  if (!(error instanceof GraphApiError)) return error;
  if (matches(NOT_THREAD_OWNER, error)) {
    return new DomainError(ErrorCode.NotThreadOwner, 'another app controls this thread at Meta', error.details);
  }
  if (matches(OUTSIDE_WINDOW, error)) {
    return new DomainError(ErrorCode.OutsideMessagingWindow, 'Meta refused: outside the allowed window', error.details);
  }
  if (matches(USER_UNAVAILABLE, error)) {
    return new DomainError(ErrorCode.UserUnavailable, 'Meta: this person cannot receive messages from the Page right now', error.details);
  }
  if (error.isInvalidToken) {
    return new DomainError(ErrorCode.PageNeedsReauth, 'Meta refused the Page token; install the app on the Page again', error.details);
  }
  if (error instanceof PageThrottledError) {
    return new DomainError(ErrorCode.GraphUnavailable, 'Meta is rate limiting this Page; retry later', error.details);
  }
  if (matches(LATER, error)) {
    return new DomainError(ErrorCode.GraphUnavailable, "Messenger's automated Q&A flow holds this chat; retry later", error.details);
  }
  if (error.status === 0 || error.status >= 500) {
    const message = error.ambiguous ? 'no answer from the Graph API; the message may have gone out (details.ambiguous)' : 'the Graph API is unavailable';
    return new DomainError(ErrorCode.GraphUnavailable, message, error.details);
  }
  return new DomainError(ErrorCode.GraphError, `Graph API error ${error.code}${error.subcode ? `/${error.subcode}` : ''}`, error.details);
}

/** A 190: the Page's stored token is dead and the Page must be flagged (PagesService.tokenRefused). */
export const isInvalidToken = (error: unknown): error is GraphApiError => error instanceof GraphApiError && error.isInvalidToken;
