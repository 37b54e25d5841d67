import { ErrorCode, type ErrorBody } from '@app/contracts';

/** HTTP status for each stable code, used by the HTTP exception filter. */
const HTTP_STATUS: Record<string, number> = {
  [ErrorCode.InvalidPayload]: 400,
  [ErrorCode.MetadataTooLong]: 400,
  [ErrorCode.OtnTitleTooLong]: 400,
  [ErrorCode.NotThreadOwner]: 409,
  [ErrorCode.NotAllowed]: 403,
  [ErrorCode.UnknownApp]: 404,
  [ErrorCode.UnknownPage]: 404,
  [ErrorCode.UnknownThread]: 404,
  [ErrorCode.AppUnsubscribed]: 409,
  [ErrorCode.OutsideMessagingWindow]: 409,
  [ErrorCode.UserUnavailable]: 409,
  [ErrorCode.OtnNotEnabled]: 403,
  [ErrorCode.OtnTopicNotAgreed]: 409,
  [ErrorCode.OtnNoTokenLeft]: 409,
  [ErrorCode.OtnRequestThrottled]: 429,
  [ErrorCode.GraphError]: 502,
  [ErrorCode.GraphUnavailable]: 503,
  [ErrorCode.PageNeedsReauth]: 409,
  [ErrorCode.OnboardingNotConfigured]: 503,
  [ErrorCode.AccessControlNotConfigured]: 503,
  [ErrorCode.OnboardingStateInvalid]: 403,
  [ErrorCode.OnboardingInviteInvalid]: 403,
  [ErrorCode.PermissionDenied]: 403,
  [ErrorCode.PageNotManaged]: 403,
  [ErrorCode.Timeout]: 504,
  [ErrorCode.Unavailable]: 503,
};

/**
 * A rule of the domain was broken. Carries a stable code; edges map it to an HTTP status or an
 * RPC error body. The message must be safe to show to the caller (no tokens, no PII).
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code] ?? 500;
  }

  toBody(): ErrorBody {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export const invalidPayload = (message: string) => new DomainError(ErrorCode.InvalidPayload, message);
