import { ErrorCode, OTN_TITLE_MAX_LENGTH, RpcError } from '@app/contracts';
import { DomainError } from '@app/platform';

/** The notifications rules broken, as typed errors with stable codes (libs/contracts ErrorCode). */
export const OtnErrors = {
  notEnabled: (pageId: string) =>
    new DomainError(ErrorCode.OtnNotEnabled, `One-Time Notifications are not enabled for Page ${pageId}`, { pageId }),
  titleTooLong: (length: number) =>
    new DomainError(ErrorCode.OtnTitleTooLong, `title is ${length} characters; Meta allows ${OTN_TITLE_MAX_LENGTH}`, {
      length,
      max: OTN_TITLE_MAX_LENGTH,
    }),
  throttled: (retryAfter: Date) =>
    new DomainError(ErrorCode.OtnRequestThrottled, 'this user was already asked about this topic recently', {
      retryAfter: retryAfter.toISOString(),
    }),
  topicNotAgreed: (topic: string) => new DomainError(ErrorCode.OtnTopicNotAgreed, `the user never agreed to be notified about "${topic}"`),
  noTokenLeft: (topic: string) => new DomainError(ErrorCode.OtnNoTokenLeft, `every token for "${topic}" is used or expired`),
} as const;

/**
 * Errors from another service keep their code and details: a bot must see GRAPH_ERROR {code,
 * error_subcode} from the Send API, not a generic INTERNAL (only DomainError crosses our RPC edge).
 */
export function asDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof RpcError) return new DomainError(error.code, error.message, error.details);
  return new DomainError(ErrorCode.Internal, 'internal error');
}

export function withDetails(error: DomainError, extra: Record<string, unknown>): DomainError {
  return new DomainError(error.code, error.message, { ...(error.details ?? {}), ...extra });
}
