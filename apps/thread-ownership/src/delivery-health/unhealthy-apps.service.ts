import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode, PAGE_INBOX_APP_ID } from '@app/contracts';
import { DomainError } from '@app/platform';
import { BotAppsRepository } from '../access/bot-apps.repository.js';
import { OutboxPublisher } from '../delivery/outbox-publisher.service.js';
import { PagesRepository } from '../pages/pages.repository.js';
import { PagesService, type PageView } from '../pages/pages.service.js';
import { OwnershipService } from '../threads/ownership.service.js';
import { ThreadsRepository } from '../threads/threads.repository.js';
import { DeliveryHealthRepository } from './delivery-health.repository.js';
import { DeliveryHealthService } from './delivery-health.service.js';

/** Handover metadata of the threads the suite takes back from an unhealthy app. */
export const UNHEALTHY_METADATA = 'bot_unhealthy: the app stopped taking its deliveries';

/**
 * What happens to an app that stays unhealthy, as Meta does to a failing webhook: it is
 * unsubscribed from its Pages (routing then dead-letters its events) and every thread it owns
 * goes to the Page's default app or, failing that, the Page Inbox, so no user is left talking
 * to a dead bot. Resubscribing undoes the first part; the dead letters can then be replayed.
 */
@Injectable()
export class UnhealthyApps {
  private readonly logger = new Logger(UnhealthyApps.name);
  /** disable / repair / resubscribe of one app never interleave on this replica. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly health: DeliveryHealthService,
    private readonly repository: DeliveryHealthRepository,
    private readonly apps: BotAppsRepository,
    private readonly pagesRepository: PagesRepository,
    private readonly pages: PagesService,
    private readonly threads: ThreadsRepository,
    private readonly ownership: OwnershipService,
    private readonly outbox: OutboxPublisher,
  ) {}

  /** Recorded first, so a crash midway is finished by repair() on the next poll. */
  disable(appId: string): Promise<void> {
    return this.exclusive(appId, () => this.unsubscribeEverywhere(appId));
  }

  private async unsubscribeEverywhere(appId: string): Promise<void> {
    const pageIds = (await this.apps.memberships(appId)).filter((m) => m.subscribed).map((m) => m.pageId);
    const previous = (await this.repository.find(appId))?.unsubscribedPages ?? [];
    await this.repository.setUnsubscribedPages(appId, [...new Set([...previous, ...pageIds])]);
    for (const pageId of pageIds) await this.setSubscribed(pageId, appId, false);
    const returned = await this.returnThreads(appId, pageIds);
    this.logger.warn({ appId, pages: pageIds, threads: returned }, `bot app ${appId} unhealthy for ${this.health.unhealthyAfterMs} ms: unsubscribed, threads returned`);
  }

  /** Resubscribes the app on the given Pages (default: those the health monitor unsubscribed it from). */
  resubscribe(appId: string, pageIds?: string[]): Promise<{ appId: string; pages: string[] }> {
    return this.exclusive(appId, () => this.subscribeAgain(appId, pageIds));
  }

  private async subscribeAgain(appId: string, pageIds?: string[]): Promise<{ appId: string; pages: string[] }> {
    const memberships = await this.apps.memberships(appId);
    if (memberships.length === 0) throw new DomainError(ErrorCode.UnknownApp, `app ${appId} is not a bot of any page`);
    const recorded = (await this.repository.find(appId))?.unsubscribedPages ?? [];
    const unsubscribed = memberships.filter((m) => !m.subscribed).map((m) => m.pageId);
    const targets = pageIds ?? (recorded.length > 0 ? recorded : unsubscribed);
    for (const pageId of targets) {
      if (!memberships.some((m) => m.pageId === pageId)) throw new DomainError(ErrorCode.UnknownApp, `app ${appId} is not connected to page ${pageId}`);
    }
    // Healthy first: a repair() running elsewhere then leaves these Pages alone.
    await this.repository.markResubscribed(appId, recorded.filter((p) => !targets.includes(p)));
    this.health.setState(appId, 'healthy');
    for (const pageId of targets) await this.setSubscribed(pageId, appId, true);
    return { appId, pages: targets };
  }

  /**
   * On each poll, for an unhealthy app: finishes an interrupted disable() (it stays unsubscribed
   * from the recorded Pages until it is resubscribed) and returns any thread it still owns there.
   */
  repair(appId: string): Promise<void> {
    return this.exclusive(appId, async () => {
      const row = await this.repository.find(appId);
      if (row?.state !== 'unhealthy') return;
      const memberships = (await this.apps.memberships(appId)).filter((m) => row.unsubscribedPages.includes(m.pageId));
      for (const m of memberships) if (m.subscribed) await this.setSubscribed(m.pageId, appId, false);
      await this.returnThreads(appId, memberships.map((m) => m.pageId));
    });
  }

  private exclusive<T>(appId: string, work: () => Promise<T>): Promise<T> {
    const run = (this.locks.get(appId) ?? Promise.resolve()).catch(() => undefined).then(work);
    const tail = run.catch(() => undefined).finally(() => {
      if (this.locks.get(appId) === tail) this.locks.delete(appId);
    });
    this.locks.set(appId, tail);
    return run;
  }

  private async setSubscribed(pageId: string, appId: string, subscribed: boolean): Promise<void> {
    await this.pagesRepository.setSubscribed(pageId, appId, subscribed);
    await this.pages.invalidate(pageId);
  }

  private async returnThreads(appId: string, pageIds: string[]): Promise<number> {
    let returned = 0;
    for (const thread of await this.repository.ownedThreads(appId, pageIds)) {
      const view = await this.pages.get(thread.pageId);
      const messages = await this.threads.inThreadTransaction(thread.pageId, thread.psid, async (tx) => {
        if (tx.thread.ownerAppId !== appId) return [];
        returned += 1;
        if (this.ownership.hasLapsed(tx)) return this.ownership.lapse(tx, view);
        const toAppId = returnTarget(view, appId);
        return this.ownership.changeOwner(tx, view, { action: 'bot_unhealthy', actorAppId: null, toAppId, metadata: UNHEALTHY_METADATA, notice: 'pass_thread_control' });
      });
      await this.outbox.publishNow(messages);
    }
    return returned;
  }
}

/** The Page's default app when it is another subscribed bot, else the Page Inbox (human agents). */
export function returnTarget(view: PageView, unhealthyAppId: string): string {
  const fallback = view.page.defaultOwnerAppId;
  const usable = view.apps.some((a) => a.appId === fallback && a.appId !== unhealthyAppId && a.subscribed);
  return usable && fallback ? fallback : PAGE_INBOX_APP_ID;
}
