import { Injectable } from '@nestjs/common';
import { ConsoleSettings } from '../config/console-settings.js';
import { requestJson, upstreamFailure } from './upstream-http.js';

const SERVICE = 'notifications';

export interface TopicTokens {
  topic: string;
  valid: number;
  /** undefined: this version of notifications reports valid tokens only. */
  used?: number;
  expired?: number;
  reserved?: number;
  invalid?: number;
}

interface InventoryBody {
  byTopic?: Array<{ topic: string; validTokens: number }>;
  byTopicState?: Array<{ topic: string; valid: number; used: number; expired: number; reserved: number; invalid: number }>;
}

/** The notifications HTTP API: one-time notification tokens and the Page's OTN setting. */
@Injectable()
export class NotificationsClient {
  constructor(private readonly settings: ConsoleSettings) {}

  async tokens(pageId: string): Promise<TopicTokens[]> {
    const response = await requestJson<InventoryBody>(`${this.settings.notificationsUrl}/pages/${pageId}/tokens`, this.request());
    if (response.status !== 200) throw upstreamFailure(SERVICE, response);
    if (response.body.byTopicState) return response.body.byTopicState;
    return (response.body.byTopic ?? []).map((t) => ({ topic: t.topic, valid: t.validTokens }));
  }

  async otnEnabled(pageId: string): Promise<boolean> {
    const response = await requestJson<{ otnEnabled: boolean }>(`${this.settings.notificationsUrl}/pages/${pageId}/settings`, this.request());
    if (response.status !== 200) throw upstreamFailure(SERVICE, response);
    return response.body.otnEnabled;
  }

  private request() {
    return { service: SERVICE, timeoutMs: this.settings.upstreamTimeoutMs, headers: { authorization: `Bearer ${this.settings.adminToken}` } };
  }
}
