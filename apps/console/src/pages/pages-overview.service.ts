import { Injectable } from '@nestjs/common';
import { NotificationsClient, type TopicTokens } from '../upstream/notifications.client.js';
import { ThreadOwnershipClient, type PageApp, type PageDetail, type PageSummary } from '../upstream/thread-ownership.client.js';
import { UpstreamError } from '../upstream/upstream-http.js';
import { DeliveryHealthService, type DeliveryHealth } from './delivery-health.service.js';

export interface AppOverview {
  app: PageApp;
  /** Bots only: human agents work in Meta's inbox, not on the bus. */
  delivery?: DeliveryHealth;
}

export type Loaded<T> = { ok: true; value: T } | { ok: false; error: string };

export interface PageOverview {
  page: PageDetail;
  apps: AppOverview[];
  tokens: Loaded<TopicTokens[]>;
  otnEnabled: Loaded<boolean>;
}

/** Pages with their apps, roles, rules, token inventory and each bot's delivery health. */
@Injectable()
export class PagesOverviewService {
  constructor(
    private readonly threadOwnership: ThreadOwnershipClient,
    private readonly notifications: NotificationsClient,
    private readonly delivery: DeliveryHealthService,
  ) {}

  listPages(): Promise<PageSummary[]> {
    return this.threadOwnership.listPages();
  }

  async all(): Promise<PageOverview[]> {
    const pages = await this.threadOwnership.listPages();
    return Promise.all(pages.map((p) => this.one(p.id)));
  }

  async one(pageId: string): Promise<PageOverview> {
    const page = await this.threadOwnership.getPage(pageId);
    const [apps, tokens, otnEnabled] = await Promise.all([
      Promise.all(page.apps.map(async (app) => (app.role === 'bot' ? { app, delivery: await this.delivery.forApp(app.app_id) } : { app }))),
      loaded(this.notifications.tokens(pageId)),
      loaded(this.notifications.otnEnabled(pageId)),
    ]);
    return { page, apps, tokens, otnEnabled };
  }

  async resubscribe(pageId: string, appId: string): Promise<void> {
    await this.threadOwnership.resubscribe(pageId, appId);
  }
}

async function loaded<T>(work: Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await work };
  } catch (error) {
    return { ok: false, error: error instanceof UpstreamError ? error.message : 'not available' };
  }
}
