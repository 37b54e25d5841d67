/** A call to another service failed: its stable code and message are kept for the operator. */
export class UpstreamError extends Error {
  constructor(
    readonly service: string,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export interface UpstreamResponse<T> {
  status: number;
  body: T;
}

export interface UpstreamRequest {
  service: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

/**
 * JSON over HTTP with a timeout, always. Answers with any status (callers decide what 404 means);
 * a transport failure or timeout becomes UpstreamError UNAVAILABLE / TIMEOUT.
 */
export async function requestJson<T>(url: string, r: UpstreamRequest): Promise<UpstreamResponse<T>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: r.method ?? 'GET',
      headers: { accept: 'application/json', ...(r.body === undefined ? {} : { 'content-type': 'application/json' }), ...r.headers },
      body: r.body === undefined ? undefined : JSON.stringify(r.body),
      signal: AbortSignal.timeout(r.timeoutMs),
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new UpstreamError(r.service, 0, timedOut ? 'TIMEOUT' : 'UNAVAILABLE', `${r.service} ${timedOut ? `did not answer within ${r.timeoutMs} ms` : 'is not reachable'}`);
  }
  const body = (await response.json().catch(() => undefined)) as T;
  return { status: response.status, body };
}

/** The error body every service of the suite answers with: `{ error: { code, message } }`. */
export function upstreamFailure(service: string, response: UpstreamResponse<unknown>): UpstreamError {
  const error = (response.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`;
  const message = typeof error?.message === 'string' ? error.message : `${service} answered HTTP ${response.status}`;
  return new UpstreamError(service, response.status, code, message);
}
