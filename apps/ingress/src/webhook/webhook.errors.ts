import { ErrorCode } from '@app/contracts';
import { DomainError } from '@app/platform';

/** Stable codes of the webhook edge (HTTP bodies: `{ error: { code, message } }`). Never rename one. */
export const WebhookErrorCode = {
  InvalidSignature: 'INVALID_SIGNATURE',
  InvalidJson: 'INVALID_JSON',
  JsonTooDeep: 'JSON_TOO_DEEP',
  InvalidVerifyToken: 'INVALID_VERIFY_TOKEN',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  UnknownApp: ErrorCode.UnknownApp,
  Unavailable: ErrorCode.Unavailable,
} as const;

/**
 * A DomainError that carries its own HTTP status: the platform's status table only knows the
 * suite-wide codes, and the webhook edge needs 401/415 too. The global HttpErrorFilter
 * renders it like any DomainError.
 */
export class WebhookError extends DomainError {
  constructor(
    code: string,
    message: string,
    private readonly status: number,
  ) {
    super(code, message);
    this.name = 'WebhookError';
  }

  override get httpStatus(): number {
    return this.status;
  }
}

// Messages are fixed strings: nothing from the request (body, signature, expected value) is echoed.
export const invalidSignature = () => new WebhookError(WebhookErrorCode.InvalidSignature, 'missing or invalid X-Hub-Signature-256', 401);
export const invalidJson = () => new WebhookError(WebhookErrorCode.InvalidJson, 'the body is not valid JSON', 400);
export const jsonTooDeep = (limit: number) => new WebhookError(WebhookErrorCode.JsonTooDeep, `the body nests deeper than ${limit} levels`, 400);
export const invalidVerifyToken = () => new WebhookError(WebhookErrorCode.InvalidVerifyToken, 'not a valid subscription request', 403);
export const unsupportedMediaType = () => new WebhookError(WebhookErrorCode.UnsupportedMediaType, 'the body must be application/json', 415);
export const unknownApp = () => new WebhookError(WebhookErrorCode.UnknownApp, 'no webhook is configured for this app id', 404);
export const eventsNotStored = (failed: number, total: number) =>
  new WebhookError(WebhookErrorCode.Unavailable, `${failed} of ${total} events could not be stored; retry later`, 503);
