import { sendResultSchema, type SendResult } from '@app/contracts';
import { BUSINESS_USE_CASE_USAGE_HEADER, parseBusinessUseCaseUsage, throttledUntil } from './business-usage.js';
import { GraphApiError, PageThrottledError } from './graph-api.error.js';
import { performGraphRequest, type GraphParams, type GraphRequest } from './graph-request.js';
import { PageRateLimiter, sendClassOf, type PageRateLimits } from './page-rate-limiter.js';
import { backoffDelayMs, isRetryable } from './retry-policy.js';

export interface GraphClientConfig {
  baseUrl: string;
  version: string;
  appSecret: string;
  timeoutMs?: number;
  /** Total attempts for a retryable failure (1 = no retry). */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-Page Send API pacing (§5.5). */
  rateLimits?: PageRateLimits;
  /** Pause when Meta reports 100 % usage without saying for how long. */
  usagePauseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

export type ThreadControlEdge = 'pass_thread_control' | 'take_thread_control' | 'request_thread_control' | 'release_thread_control';

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Graph API as the suite uses it. Every call with a token carries `appsecret_proof`;
 * failures Meta calls transient (and 5xx, network) are retried with exponential backoff and
 * jitter; Send API calls are paced per Page and pause when Meta's usage header says so.
 */
export class GraphClient {
  readonly limiter: PageRateLimiter;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly config: GraphClientConfig) {
    this.sleep = config.sleep ?? defaultSleep;
    this.now = config.now ?? Date.now;
    this.limiter = new PageRateLimiter({ ...config.rateLimits, now: this.now, sleep: this.sleep });
  }

  sendMessage(pageId: string, accessToken: string, body: Record<string, unknown>): Promise<SendResult> {
    const request: GraphRequest = { method: 'POST', path: `${pageId}/messages`, accessToken, json: body, pageId, notIdempotent: true };
    return this.request(request, () => this.limiter.acquire(pageId, sendClassOf(body))).then((json) => sendResultSchema.parse(json));
  }

  /** `GET thread_owner` (§2.5): the app that controls the thread at Meta, or null while it is idle. */
  async threadOwner(pageId: string, accessToken: string, psid: string): Promise<string | null> {
    const body = await this.get(`${pageId}/thread_owner`, accessToken, { recipient: psid }, pageId);
    const first = (body.data as Array<{ thread_owner?: { app_id?: unknown } }> | undefined)?.[0];
    const appId = first?.thread_owner?.app_id;
    return appId === undefined || appId === null ? null : String(appId);
  }

  threadControl(pageId: string, accessToken: string, edge: ThreadControlEdge, body: Record<string, unknown>): Promise<unknown> {
    return this.request({ method: 'POST', path: `${pageId}/${edge}`, accessToken, json: body, pageId });
  }

  get(path: string, accessToken: string | undefined, query?: GraphParams, pageId?: string): Promise<Record<string, unknown>> {
    return this.request({ method: 'GET', path, accessToken, query, pageId });
  }

  post(path: string, accessToken: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.request({ method: 'POST', path, accessToken, json: body });
  }

  postForm(path: string, accessToken: string, form: GraphParams, pageId?: string): Promise<Record<string, unknown>> {
    return this.request({ method: 'POST', path, accessToken, form, pageId });
  }

  /** Any Graph call, with the retry policy; `beforeAttempt` runs before every attempt (pacing). */
  async request(request: GraphRequest, beforeAttempt?: () => Promise<void>): Promise<Record<string, unknown>> {
    const attempts = this.config.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      await beforeAttempt?.();
      try {
        return await performGraphRequest(this.config, request, (headers) => this.observeUsage(request.pageId, headers));
      } catch (error) {
        if (!(error instanceof GraphApiError) || error instanceof PageThrottledError) throw error;
        if (!isRetryable(error) || attempt >= attempts) throw error;
        if (request.notIdempotent && error.ambiguous) throw error; // §5.6: may have been delivered; no blind resend
        const backoff = { baseDelayMs: this.config.baseDelayMs ?? 200, maxDelayMs: this.config.maxDelayMs ?? 10_000 };
        await this.sleep(backoffDelayMs(attempt, backoff, this.config.random));
      }
    }
  }

  /** Meta's usage header names the business object (the Page); the calling Page is paused too. */
  private observeUsage(pageId: string | undefined, headers: Headers): void {
    const now = this.now();
    for (const usage of parseBusinessUseCaseUsage(headers.get(BUSINESS_USE_CASE_USAGE_HEADER))) {
      const until = throttledUntil(usage, now, this.config.usagePauseMs ?? 60_000);
      if (until === undefined) continue;
      this.limiter.pause(usage.id, until);
      if (pageId !== undefined) this.limiter.pause(pageId, until);
    }
  }
}
