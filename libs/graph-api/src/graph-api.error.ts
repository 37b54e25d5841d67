/** Meta's error envelope (§5.6), typed. Never carries the access token. */
export class GraphApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly subcode: number | undefined,
    readonly isTransient: boolean,
    readonly fbtraceId: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'GraphApiError';
  }

  /**
   * Set when nothing came back but the request may have reached Meta (a timeout, a connection
   * lost after sending): a message may have gone out (§5.6, "check echo before resend").
   */
  ambiguous = false;

  /** Network failure or timeout: nothing came back from Meta. `ambiguous`: it may have got the request. */
  static unreachable(cause: string, ambiguous = false): GraphApiError {
    const error = new GraphApiError(0, 0, undefined, true, undefined, `Graph API unreachable: ${cause}`);
    error.ambiguous = ambiguous;
    return error;
  }

  /** 190: the token is invalid, expired or revoked; only a new install (Facebook Login) helps (§6.3). */
  get isInvalidToken(): boolean {
    return this.code === 190;
  }

  get details(): Record<string, unknown> {
    return { code: this.code, error_subcode: this.subcode, is_transient: this.isTransient, fbtrace_id: this.fbtraceId, status: this.status, ...(this.ambiguous ? { ambiguous: true } : {}) };
  }
}

/**
 * Raised before any call is made: Meta told us (X-Business-Use-Case-Usage) to leave this Page
 * alone for longer than the caller is willing to wait, or the local send rate is that far behind.
 */
export class PageThrottledError extends GraphApiError {
  constructor(
    readonly pageId: string,
    /** When a send may go again (ms since epoch). */
    readonly retryAt: number,
  ) {
    super(429, 613, undefined, true, undefined, `sends to Page ${pageId} are paused by rate limiting until ${new Date(retryAt).toISOString()}`);
    this.name = 'PageThrottledError';
  }

  override get details(): Record<string, unknown> {
    return { ...super.details, retry_at: new Date(this.retryAt).toISOString() };
  }
}
