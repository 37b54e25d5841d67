import { ErrorCode, isRetryableGraphAnswer, RpcError } from '@app/contracts';

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
 * again, for a user who blocked the Page), or send a message that may already have gone out, so
 * the SDK acks it and says so in a warning.
 */
export function isFinalRefusal(error: unknown): error is RpcError {
  if (!(error instanceof RpcError)) return false;
  // Meta got a send and did not answer (details.ambiguous): it may have gone out, and another
  // delivery would send it again (reference §5.6: no blind resend).
  if (error.details?.ambiguous === true) return true;
  if (error.code === ErrorCode.GraphError) return !isRetryableGraphAnswer(error.details ?? {});
  return FINAL.has(error.code);
}
