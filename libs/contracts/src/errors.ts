import { z } from 'zod';

/** Stable error codes. Bots and HTTP clients switch on these; never rename one. */
export const ErrorCode = {
  InvalidPayload: 'INVALID_PAYLOAD',
  NotThreadOwner: 'NOT_THREAD_OWNER',
  UnknownApp: 'UNKNOWN_APP',
  UnknownPage: 'UNKNOWN_PAGE',
  UnknownThread: 'UNKNOWN_THREAD',
  NotAllowed: 'NOT_ALLOWED',
  MetadataTooLong: 'METADATA_TOO_LONG',
  AppUnsubscribed: 'APP_UNSUBSCRIBED',
  OutsideMessagingWindow: 'OUTSIDE_MESSAGING_WINDOW',
  /** Meta: this person cannot receive the Page's messages (blocked it, or an unknown PSID); do not retry. */
  UserUnavailable: 'USER_UNAVAILABLE',
  OtnNotEnabled: 'OTN_NOT_ENABLED',
  OtnTopicNotAgreed: 'OTN_TOPIC_NOT_AGREED',
  OtnNoTokenLeft: 'OTN_NO_TOKEN_LEFT',
  OtnRequestThrottled: 'OTN_REQUEST_THROTTLED',
  OtnTitleTooLong: 'OTN_TITLE_TOO_LONG',
  GraphError: 'GRAPH_ERROR',
  GraphUnavailable: 'GRAPH_UNAVAILABLE',
  /** Meta refused the Page token (190): nothing is sent for the Page until it is installed again. */
  PageNeedsReauth: 'PAGE_NEEDS_REAUTH',
  /** Facebook Login install flow (onboarding). */
  OnboardingNotConfigured: 'ONBOARDING_NOT_CONFIGURED',
  /** NATS access control (`/access/*`) without NATS_CREDENTIALS_SECRET: a setup gap, not a refusal of the caller. */
  AccessControlNotConfigured: 'ACCESS_CONTROL_NOT_CONFIGURED',
  OnboardingStateInvalid: 'ONBOARDING_STATE_INVALID',
  /** `/onboarding/start` without a valid, unexpired invite from the admin API. */
  OnboardingInviteInvalid: 'ONBOARDING_INVITE_INVALID',
  PermissionDenied: 'PERMISSION_DENIED',
  PageNotManaged: 'PAGE_NOT_MANAGED',
  Timeout: 'TIMEOUT',
  Unavailable: 'UNAVAILABLE',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const errorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  /** Extra, non-sensitive facts, e.g. Meta's `{ code, error_subcode }` for GRAPH_ERROR. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The reply envelope of every request-reply subject: plain JSON, easy for any NATS client. */
export const rpcReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorBodySchema }),
]);
export type RpcReply = z.infer<typeof rpcReplySchema>;

/** Thrown on the calling side when a request-reply call answers with an error. */
export class RpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** Turns a raw reply into data or throws RpcError; a reply that is not an envelope is INTERNAL. */
export function parseRpcReply<T>(raw: unknown, dataSchema: z.ZodType<T>): T {
  const reply = rpcReplySchema.safeParse(raw);
  if (!reply.success) throw new RpcError(ErrorCode.Internal, 'malformed reply');
  if (!reply.data.ok) {
    const { code, message, details } = reply.data.error;
    throw new RpcError(code, message, details);
  }
  const data = dataSchema.safeParse(reply.data.data);
  if (!data.success) throw new RpcError(ErrorCode.Internal, `reply does not match its contract: ${data.error.message}`);
  return data.data;
}

/** Meta's try-again codes (§5.6 retry guidance): temporary send failure, unexpected error, app and Send API rate limits. */
const RETRYABLE_GRAPH_CODES: ReadonlySet<number> = new Set([1200, 2, 4, 613]);
/** 613's tag-abuse and duplicate-opt-in subcodes: no retry changes them. */
const FINAL_613_SUBCODES: ReadonlySet<number> = new Set([2018338, 1893016]);

/**
 * Whether a Meta refusal, as carried in an error's `details` (`code`, `error_subcode`,
 * `is_transient`), is worth trying again later.
 */
export function isRetryableGraphAnswer(details: Record<string, unknown>): boolean {
  if (details.is_transient === true) return true;
  const code = Number(details.code);
  if (!RETRYABLE_GRAPH_CODES.has(code)) return false;
  return !(code === 613 && FINAL_613_SUBCODES.has(Number(details.error_subcode)));
}
