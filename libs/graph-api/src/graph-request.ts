import { createHmac } from 'node:crypto';
import { GraphApiError } from './graph-api.error.js';

/** Query or form values; arrays are sent comma-separated, objects as JSON (Graph's convention). */
export type GraphParamValue = string | number | boolean | readonly string[] | Record<string, unknown>;
export type GraphParams = Record<string, GraphParamValue | undefined>;

export interface GraphRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path after the version, e.g. `me/accounts` or `123/messages`. */
  path: string;
  /** Omitted only for calls authenticated otherwise (the OAuth code exchange). */
  accessToken?: string;
  query?: GraphParams;
  /** JSON body (Send API, thread control). */
  json?: Record<string, unknown>;
  /** Form body (`application/x-www-form-urlencoded`). */
  form?: GraphParams;
  /** The Page the call is about: its rate-limit headers are applied to this Page. */
  pageId?: string;
  /**
   * Repeating it could act twice (a Send API message): a failure that may have reached Meta
   * (`GraphApiError.ambiguous`) is then never retried by the client.
   */
  notIdempotent?: boolean;
}

/** Failures that certainly happened before the request left: nothing reached Meta. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export interface GraphHttpConfig {
  baseUrl: string;
  version: string;
  appSecret: string;
  timeoutMs?: number;
}

export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

function encode(value: GraphParamValue): string {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function toSearchParams(params: GraphParams | undefined, into = new URLSearchParams()): URLSearchParams {
  for (const [name, value] of Object.entries(params ?? {})) if (value !== undefined) into.set(name, encode(value));
  return into;
}

export function graphUrl(config: GraphHttpConfig, request: GraphRequest): URL {
  const url = new URL(`${config.baseUrl.replace(/\/$/, '')}/${config.version}/${request.path.replace(/^\//, '')}`);
  toSearchParams(request.query, url.searchParams);
  if (request.accessToken !== undefined) {
    // Every call that carries a token proves we hold the app secret (§6.5).
    url.searchParams.set('access_token', request.accessToken);
    url.searchParams.set('appsecret_proof', appSecretProof(request.accessToken, config.appSecret));
  }
  return url;
}

function bodyOf(request: GraphRequest): { headers: Record<string, string>; body?: string } {
  if (request.json !== undefined) return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.json) };
  if (request.form !== undefined) return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: toSearchParams(request.form).toString() };
  return { headers: {} };
}

/**
 * One HTTP exchange with Graph; failures become GraphApiError (status 0 when nothing came back).
 * `observe` sees the headers of every answer, failed or not (rate-limit headers come with both).
 */
export async function performGraphRequest(
  config: GraphHttpConfig,
  request: GraphRequest,
  observe?: (headers: Headers) => void,
): Promise<Record<string, unknown>> {
  const { headers, body } = bodyOf(request);
  let response: Response;
  let text: string;
  try {
    response = await fetch(graphUrl(config, request), {
      method: request.method,
      headers,
      body,
      signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
    });
    text = await response.text();
  } catch (error) {
    const code = ((error as { cause?: { code?: unknown } }).cause?.code as string | undefined) ?? '';
    throw GraphApiError.unreachable(code || (error as Error).name, request.notIdempotent === true && !NEVER_SENT.has(code));
  }
  observe?.(response.headers);
  const json = parseJson(text);
  if (response.ok && json && !('error' in json)) return json;
  const error = toGraphError(response.status, json);
  // A gateway's 5xx without Graph's error body (a 502/504 in front of Meta): the request may have
  // been handled behind it, like a timeout.
  if (request.notIdempotent && response.status >= 500 && error.code === 0) error.ambiguous = true;
  throw error;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function toGraphError(status: number, json: Record<string, unknown> | undefined): GraphApiError {
  const error = (json?.error ?? {}) as Record<string, unknown>;
  return new GraphApiError(
    status,
    Number(error.code ?? 0),
    error.error_subcode === undefined ? undefined : Number(error.error_subcode),
    error.is_transient === true,
    typeof error.fbtrace_id === 'string' ? error.fbtrace_id : undefined,
    typeof error.message === 'string' ? error.message : `Graph API answered HTTP ${status}`,
  );
}
