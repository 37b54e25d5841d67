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

  /** Network failure or timeout: nothing came back from Meta. */
  static unreachable(cause: string): GraphApiError {
    return new GraphApiError(0, 0, undefined, true, undefined, `Graph API unreachable: ${cause}`);
  }

  get details(): Record<string, unknown> {
    return { code: this.code, error_subcode: this.subcode, is_transient: this.isTransient, fbtrace_id: this.fbtraceId, status: this.status };
  }
}

/** Never retried, whatever `is_transient` says: retrying cannot change the answer (§5.6). */
const NEVER_RETRY: ReadonlyArray<[number, number | undefined]> = [
  [10, 2018278], // outside the messaging window
  [10, 2018300], // another app owns the thread
  [100, 2018001], // no such user
  [551, undefined], // user unavailable
  [200, 1545041],
  [551, 1545041],
  [190, undefined], // bad token
];
/** 613 subcodes that mean abuse or a repeated opt-in request: backing off does not help. */
const ABUSE_613_SUBCODES = new Set([2018338, 1893016]);

export function isRetryable(error: GraphApiError): boolean {
  if (error.subcode === 1545041) return false;
  if (NEVER_RETRY.some(([code, sub]) => code === error.code && (sub === undefined || sub === error.subcode))) return false;
  if (error.status === 0 || error.status >= 500) return true;
  if (error.isTransient) return true;
  if (error.code === 613) return !ABUSE_613_SUBCODES.has(error.subcode ?? -1);
  return error.code === 1200 || error.code === 2 || error.code === 4;
}
