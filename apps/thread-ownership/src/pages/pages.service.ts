import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ErrorCode, PAGE_INBOX_APP_ID } from '@app/contracts';
import { JetStreamPublisher, NatsConnectionService } from '@app/messaging';
import { appRolesDeliveries } from '../delivery/bot-events.js';
import { DomainError, invalidPayload, TokenCipher } from '@app/platform';
import type { Subscription } from '@nats-io/transport-node';
import type { RoutingRule } from '../routing/routing-rules.js';
import type { PageAppEntity } from './page-app.entity.js';
import { registrationApps, ROLE_MISFIT, roleFits, withApp, withoutApp, type AppRow, type RequestedApp } from './page-app-list.js';
import type { PageEntity } from './page.entity.js';
import { BotAppsRepository } from '../access/bot-apps.repository.js';
import { PagesRepository } from './pages.repository.js';

export interface PageView {
  page: PageEntity;
  apps: PageAppEntity[];
}

export interface PageRegistration {
  pageId: string;
  name?: string | null;
  /** Required for a new Page; left out, a registered Page keeps its token. */
  accessToken?: string;
  defaultOwnerAppId?: string | null;
  routingRules?: RoutingRule[];
  apps: RequestedApp[];
}

/** Subject on which replicas tell each other that a Page's configuration changed. */
export const PAGE_CHANGED = 'internal.page.changed';
const CACHE_TTL_MS = 30_000;

/**
 * The Page registry: apps, roles, default owner, sealed token. Routing reads it for every event,
 * so it is cached; a change on any replica is broadcast and evicts the entry everywhere.
 */
@Injectable()
export class PagesService implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, { view: PageView | null; at: number }>();
  private subscription?: Subscription;

  constructor(
    private readonly repository: PagesRepository,
    private readonly nats: NatsConnectionService,
    private readonly cipher: TokenCipher,
    private readonly publisher: JetStreamPublisher,
    private readonly apps: BotAppsRepository,
  ) {}

  onModuleInit(): void {
    // No queue group: every replica must hear every invalidation.
    this.subscription = this.nats.nc.subscribe(this.nats.subject(PAGE_CHANGED), {
      callback: (_err, msg) => {
        this.cache.delete(msg.string());
      },
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  async find(pageId: string): Promise<PageView | null> {
    const hit = this.cache.get(pageId);
    if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.view;
    const page = await this.repository.findPage(pageId);
    const view = page ? { page, apps: await this.repository.findApps(pageId) } : null;
    this.cache.set(pageId, { view, at: Date.now() });
    return view;
  }

  async get(pageId: string): Promise<PageView> {
    const view = await this.find(pageId);
    if (!view) throw new DomainError(ErrorCode.UnknownPage, `page ${pageId} is not registered`);
    return view;
  }

  /** The app as a participant of the Page; unknown or unsubscribed apps may not act. */
  async participant(pageId: string, appId: string): Promise<{ view: PageView; app: PageAppEntity }> {
    const view = await this.get(pageId);
    const app = view.apps.find((a) => a.appId === appId);
    if (!app) throw new DomainError(ErrorCode.UnknownApp, `app ${appId} is not connected to page ${pageId}`);
    if (!app.subscribed) throw new DomainError(ErrorCode.AppUnsubscribed, `app ${appId} is unsubscribed from page ${pageId}`);
    return { view, app };
  }

  /** The Page token in clear, for a Graph call; refused while the Page needs a new install. */
  accessToken(view: PageView): string {
    if (view.page.tokenStatus === 'needs_reauth') {
      throw new DomainError(ErrorCode.PageNeedsReauth, `Meta refused the token of page ${view.page.id}; install the app on the page again`);
    }
    return this.openToken(view.page);
  }

  openToken(page: PageEntity): string {
    return this.cipher.open(page.accessTokenSealed);
  }

  /** A token from a Facebook Login install: a new Page starts with the Page Inbox only; a known one keeps its apps. */
  async installToken(input: { pageId: string; name?: string | null; accessToken: string; checkedAt: Date }): Promise<PageView> {
    const inbox = { pageId: input.pageId, appId: PAGE_INBOX_APP_ID, role: 'inbox' as const, canTake: true, subscribed: true };
    const token = { id: input.pageId, name: input.name ?? null, accessTokenSealed: this.cipher.seal(input.accessToken), checkedAt: input.checkedAt };
    await this.repository.upsertToken(token, [inbox]);
    await this.invalidate(input.pageId);
    return this.get(input.pageId);
  }

  /** Meta refused this stored token (190, or debug_token said invalid): flag the Page until it is installed again. */
  async tokenRefused(page: PageEntity, at: Date = new Date()): Promise<boolean> {
    const flagged = await this.repository.markNeedsReauth(page.id, page.accessTokenSealed, at);
    if (flagged) await this.invalidate(page.id);
    return flagged;
  }

  async tokenConfirmed(page: PageEntity, at: Date): Promise<void> {
    await this.repository.markTokenChecked(page.id, page.accessTokenSealed, at);
    await this.invalidate(page.id);
  }

  /**
   * Registers a Page or replaces its registration. The token may be left out when the Page is
   * registered already (it is kept, with its status): adding a bot must not need the Page's
   * secret again. Each app's subscription is kept unless given (registrationApps).
   */
  async register(input: PageRegistration): Promise<PageView> {
    const defaultOwner = input.defaultOwnerAppId ?? null;
    const rules = input.routingRules ?? [];
    const sealed = input.accessToken === undefined ? undefined : this.cipher.seal(input.accessToken);
    await this.repository.changePage(input.pageId, (stored) => {
      if (!stored.page && sealed === undefined) throw invalidPayload(`accessToken: required to register page ${input.pageId} (a registered page keeps its token when none is given)`);
      const apps = registrationApps(input.apps, stored.apps);
      checkAppReferences(apps, defaultOwner, rules);
      return { settings: { name: input.name ?? null, defaultOwnerAppId: defaultOwner, routingRules: rules }, accessTokenSealed: sealed, apps };
    });
    return this.changed(input.pageId);
  }

  /** Adds one app to a registered Page, or changes it; what is left out keeps its value (withApp). */
  async putApp(pageId: string, change: RequestedApp): Promise<PageView> {
    await this.repository.changePage(pageId, (stored) => {
      if (!stored.page) throw new DomainError(ErrorCode.UnknownPage, `page ${pageId} is not registered`);
      if (!roleFits(change.appId, change.role)) throw invalidPayload(ROLE_MISFIT);
      return { apps: withApp(stored.apps, change) };
    });
    return this.changed(pageId);
  }

  /**
   * Removes one app from a registered Page. Refused for the Page Inbox (always there), and for the
   * default app or a routing rule's app (change those first). Threads it owns go idle when next
   * routed (RoutingService), so the user's next message reaches the default app.
   */
  async removeApp(pageId: string, appId: string): Promise<PageView> {
    if (appId === PAGE_INBOX_APP_ID) throw invalidPayload(`the Page Inbox (app id ${PAGE_INBOX_APP_ID}) always takes part in a page's conversations`);
    await this.repository.changePage(pageId, (stored) => {
      if (!stored.page) throw new DomainError(ErrorCode.UnknownPage, `page ${pageId} is not registered`);
      if (!stored.apps.some((a) => a.appId === appId)) throw new DomainError(ErrorCode.UnknownApp, `app ${appId} is not connected to page ${pageId}`);
      if (stored.page.defaultOwnerAppId === appId) throw invalidPayload(`app ${appId} is the page's default app: make another app the default first (PUT /pages/${pageId})`);
      if ((stored.page.routingRules ?? []).some((r) => r.appId === appId)) throw invalidPayload(`app ${appId} is named by a routing rule of the page: change the rules first (PUT /pages/${pageId})`);
      return { apps: withoutApp(stored.apps, appId) };
    });
    return this.changed(pageId);
  }

  /** After a registration change: every replica forgets its copy, and the bots hear their roles. */
  private async changed(pageId: string): Promise<PageView> {
    await this.invalidate(pageId);
    const view = await this.get(pageId);
    await this.announceRoles(view);
    return view;
  }

  /** Every bot of the Page hears its role, as Meta's `app_roles` webhook tells each app. */
  private async announceRoles(view: PageView): Promise<void> {
    const bots = view.apps.filter((a) => a.role === 'bot' && a.subscribed).map((a) => a.appId);
    const deliveries = appRolesDeliveries(view.page.id, view.page.defaultOwnerAppId, bots, view.page.updatedAt);
    await Promise.all(deliveries.map((d) => this.publisher.publish(d.subject, d.payload, { msgID: d.msgId })));
  }

  listPages(): Promise<PageEntity[]> {
    return this.repository.listPages();
  }

  async invalidate(pageId: string): Promise<void> {
    this.cache.delete(pageId);
    this.nats.nc.publish(this.nats.subject(PAGE_CHANGED), pageId);
    await this.nats.nc.flush();
  }

  /**
   * The Pages a bot app is on, each with the app's entry (`app.pages`, which a bot asks at start),
   * both from the cached view, which every change evicts.
   */
  async pagesOfApp(appId: string): Promise<Array<{ view: PageView; app: PageAppEntity }>> {
    const memberships = await this.apps.memberships(appId);
    const views = await Promise.all(memberships.map((m) => this.find(m.pageId)));
    return views.flatMap((view) => {
      const app = view?.apps.find((a) => a.appId === appId);
      return view && app ? [{ view, app }] : []; // changed meanwhile: the view is the newer
    });
  }
}

/** The default owner and every routing rule's app must be apps of the Page. */
function checkAppReferences(apps: AppRow[], defaultOwner: string | null, rules: RoutingRule[]): void {
  for (const appId of [defaultOwner, ...rules.map((r) => r.appId)]) {
    if (appId && !apps.some((a) => a.appId === appId)) {
      throw new DomainError(ErrorCode.UnknownApp, `app ${appId} (default owner or routing rule) is not one of the page's apps`);
    }
  }
}
