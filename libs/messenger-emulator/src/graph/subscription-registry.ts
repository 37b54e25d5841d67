/** Webhook fields Meta accepts on `/{page-id}/subscribed_apps` for Messenger (§1.5). */
export const KNOWN_SUBSCRIBED_FIELDS: ReadonlySet<string> = new Set([
  'messages',
  'messaging_postbacks',
  'messaging_optins',
  'messaging_optouts',
  'messaging_referrals',
  'messaging_handovers',
  'messaging_policy_enforcement',
  'messaging_account_linking',
  'messaging_game_plays',
  'messaging_customer_information',
  'standby',
  'message_echoes',
  'message_reads',
  'message_deliveries',
  'message_reactions',
  'message_edits',
  'messaging_seen',
  'feed',
]);

export interface PageSubscription {
  pageId: string;
  appId: string;
  fields: string[];
}

/** Which apps are subscribed to which Page's webhooks, and with which fields (§6.4). */
export class SubscriptionRegistry {
  private readonly byPage = new Map<string, Map<string, string[]>>();

  subscribe(pageId: string, appId: string, fields: string[]): void {
    const apps = this.byPage.get(pageId) ?? new Map<string, string[]>();
    apps.set(appId, [...fields]);
    this.byPage.set(pageId, apps);
  }

  unsubscribe(pageId: string, appId: string): void {
    this.byPage.get(pageId)?.delete(appId);
  }

  list(pageId?: string): PageSubscription[] {
    const pages = pageId === undefined ? [...this.byPage.keys()] : [pageId];
    return pages.flatMap((page) => [...(this.byPage.get(page) ?? new Map<string, string[]>())].map(([appId, fields]) => ({ pageId: page, appId, fields: [...fields] })));
  }

  clear(): void {
    this.byPage.clear();
  }
}
