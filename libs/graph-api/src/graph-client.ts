import { createHmac } from 'node:crypto';
import { sendResultSchema, type SendResult } from '@app/contracts';
import { GraphApiError, isRetryable } from './graph-api.error.js';

export interface GraphClientConfig {
  baseUrl: string;
  version: string;
  appSecret: string;
  timeoutMs?: number;
  /** Total attempts for a retryable failure (1 = no retry). */
  maxAttempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type ThreadControlEdge = 'pass_thread_control' | 'take_thread_control' | 'request_thread_control' | 'release_thread_control';

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Graph API as the suite uses it. Every call carries `appsecret_proof`; retryable failures
 * (Meta's transient codes, 5xx, network) are retried with exponential backoff and full jitter.
 */
export class GraphClient {
  constructor(private readonly config: GraphClientConfig) {}

  sendMessage(pageId: string, accessToken: string, body: Record<string, unknown>): Promise<SendResult> {
    return this.post(`${pageId}/messages`, accessToken, body).then((json) => sendResultSchema.parse(json));
  }

  threadControl(pageId: string, accessToken: string, edge: ThreadControlEdge, body: Record<string, unknown>): Promise<unknown> {
    return this.post(`${pageId}/${edge}`, accessToken, body);
  }

  async post(path: string, accessToken: string, body: Record<string, unknown>): Promise<unknown> {
    const attempts = this.config.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(path, accessToken, body);
      } catch (error) {
        if (!(error instanceof GraphApiError) || !isRetryable(error) || attempt >= attempts) throw error;
        const cap = (this.config.baseDelayMs ?? 200) * 2 ** (attempt - 1);
        await (this.config.sleep ?? defaultSleep)(Math.random() * cap);
      }
    }
  }

  private async once(path: string, accessToken: string, body: Record<string, unknown>): Promise<unknown> {
    const url = new URL(`${this.config.baseUrl.replace(/\/$/, '')}/${this.config.version}/${path}`);
    url.searchParams.set('access_token', accessToken);
    url.searchParams.set('appsecret_proof', appSecretProof(accessToken, this.config.appSecret));
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw GraphApiError.unreachable((error as Error).name);
    }
    const json = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (response.ok && json && !('error' in json)) return json;
    throw toGraphError(response.status, json);
  }
}

export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

function toGraphError(status: number, json: Record<string, unknown> | undefined): GraphApiError {
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
