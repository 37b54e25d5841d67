import { Injectable } from '@nestjs/common';
import { ConsoleSettings } from '../config/console-settings.js';
import { requestJson, UpstreamError, upstreamFailure, type UpstreamResponse } from './upstream-http.js';

const SERVICE = 'thread-ownership';

export interface PageSummary {
  id: string;
  name: string | null;
  defaultOwnerAppId: string | null;
}

export interface PageApp {
  app_id: string;
  role: 'bot' | 'inbox';
  can_take: boolean;
  subscribed: boolean;
  is_default_owner: boolean;
}

export interface PageDetail extends PageSummary {
  routingRules: Array<Record<string, unknown>>;
  apps: PageApp[];
  /** Anything else the admin API reports (e.g. token status, once onboarding adds it). */
  [extra: string]: unknown;
}

export interface AuditRecord {
  id: string;
  action: string;
  actorAppId: string | null;
  fromAppId: string | null;
  toAppId: string | null;
  metadata: string | null;
  at: string;
}

export interface ThreadState {
  pageId: string;
  psid: string;
  ownerAppId: string | null;
  ownerSince: string | null;
  expiresAt: string | null;
  lastActivityAt: string | null;
  history: AuditRecord[];
}

export type ThreadAction = 'take' | 'pass' | 'release';

/**
 * The thread-ownership admin API (`Authorization: Bearer ADMIN_API_TOKEN`): the same service
 * and rules the bots go through, so every operator action lands in its audit log.
 */
@Injectable()
export class ThreadOwnershipClient {
  constructor(private readonly settings: ConsoleSettings) {}

  async listPages(): Promise<PageSummary[]> {
    return (await this.ok<{ data: PageSummary[] }>('GET', '/pages')).data;
  }

  getPage(pageId: string): Promise<PageDetail> {
    return this.ok<PageDetail>('GET', `/pages/${pageId}`);
  }

  /** null: thread-ownership has never seen this conversation. */
  async getThread(pageId: string, psid: string): Promise<ThreadState | null> {
    const response = await this.call<ThreadState>('GET', `/pages/${pageId}/threads/${psid}`);
    if (response.status === 404) return null;
    if (response.status !== 200) throw upstreamFailure(SERVICE, response);
    return response.body;
  }

  async act(pageId: string, psid: string, action: ThreadAction, body: { appId: string; targetAppId?: string; metadata?: string }): Promise<void> {
    await this.ok('POST', `/pages/${pageId}/threads/${psid}/${action}`, body);
  }

  /** Subscribes the bot to the Page again (thread-ownership's delivery health API, issue 6). */
  async resubscribe(pageId: string, appId: string): Promise<void> {
    const response = await this.call('POST', `/pages/${pageId}/apps/${appId}/resubscribe`, {});
    if (response.status === 404 && !isDomain404(response.body)) {
      throw new UpstreamError(SERVICE, 501, 'NOT_SUPPORTED', 'this version of thread-ownership cannot resubscribe apps');
    }
    if (response.status < 200 || response.status > 299) throw upstreamFailure(SERVICE, response);
  }

  /**
   * A bot app's delivery health as thread-ownership reports it (issue 6: state, failures,
   * counters, recent errors). undefined: not available (the console shows what it measures itself).
   */
  async appHealth(appId: string): Promise<Record<string, unknown> | undefined> {
    const response = await this.call<Record<string, unknown>>('GET', `/apps/${appId}/health`).catch(() => undefined);
    if (!response || response.status !== 200 || typeof response.body !== 'object' || response.body === null) return undefined;
    return response.body;
  }

  private async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.call<T>(method, path, body);
    if (response.status < 200 || response.status > 299) throw upstreamFailure(SERVICE, response);
    return response.body;
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<UpstreamResponse<T>> {
    return requestJson<T>(`${this.settings.threadOwnershipUrl}${path}`, {
      service: SERVICE,
      method,
      body,
      headers: { authorization: `Bearer ${this.settings.adminToken}` },
      timeoutMs: this.settings.upstreamTimeoutMs,
    });
  }
}

/** A 404 of the route itself (older service) versus a domain answer such as UNKNOWN_APP. */
function isDomain404(body: unknown): boolean {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' && code !== 'NOT_FOUND';
}
