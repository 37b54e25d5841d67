import { ErrorCode, RpcError } from '@app/contracts';

/**
 * The suite's answers that another try cannot change: the rule refused (not the owner, outside the
 * window, not allowed, unknown, unsubscribed, no token …), the user cannot be reached, the Page
 * must be installed again, or Meta refused for good (a GRAPH_ERROR not marked transient).
 */
const FINAL = new Set<string>([
  ErrorCode.InvalidPayload,
  ErrorCode.NotThreadOwner,
  ErrorCode.UnknownApp,
  ErrorCode.UnknownPage,
  ErrorCode.UnknownThread,
  ErrorCode.NotAllowed,
  ErrorCode.MetadataTooLong,
  ErrorCode.AppUnsubscribed,
  ErrorCode.OutsideMessagingWindow,
  ErrorCode.UserUnavailable,
  ErrorCode.OtnNotEnabled,
  ErrorCode.OtnTopicNotAgreed,
  ErrorCode.OtnNoTokenLeft,
  ErrorCode.OtnRequestThrottled,
  ErrorCode.OtnTitleTooLong,
  ErrorCode.PageNeedsReauth,
]);

/**
 * A handler failed on such an answer: redelivering the event would only ask again (and ask Meta
 * again, for a user who blocked the Page), so the SDK acks it and says so in a warning.
 */
export function isFinalRefusal(error: unknown): error is RpcError {
  if (!(error instanceof RpcError)) return false;
  if (error.code === ErrorCode.GraphError) return error.details?.is_transient !== true;
  return FINAL.has(error.code);
}
