import { Inject, Injectable, Logger } from '@nestjs/common';
import { PAGE_INBOX_APP_ID, type WebhookEventStored } from '@app/contracts';
import { JetStreamPublisher, type DeliveryMeta } from '@app/messaging';
import { Clock, counter } from '@app/platform';
import { routedDeliveries } from '../delivery/bot-events.js';
import { deadLetterDeliveries } from '../delivery-health/dead-letters.js';
import { OutboxPublisher } from '../delivery/outbox-publisher.service.js';
import { SentMessagesRepository } from '../outbound/sent-messages.repository.js';
import type { PageView } from '../pages/pages.service.js';
import { PagesService } from '../pages/pages.service.js';
import { ownerLeft, OwnershipService } from '../threads/ownership.service.js';
import { ThreadsRepository, type OutboxMessage, type ThreadTx } from '../threads/threads.repository.js';
import { OwnershipCache, type CachedThread } from './ownership-cache.js';
import { RoutingWritesRepository } from './routing-writes.repository.js';
import { claimsIdleThread, isInboxEcho, isMetaHandover, isUserInteraction, ownerFromMetaHandover } from './routing-decisions.js';
import { matchRule } from './routing-rules.js';

const routed = counter({ name: 'routing_events_total', help: 'Webhook events routed to bots', labelNames: ['kind', 'outcome', 'path'] });

/**
 * Decides, for each stored webhook event, who owned its thread when the event was stored, and
 * delivers it: that owner on `messaging`, every other bot on `standby`. The decision follows from
 * the thread's audit log and stream positions alone, so a redelivery is routed identically; the
 * thread's `last_event_seq` marks how far it was routed (a thread's events are routed in order).
 *
 * Fast path (the common case): the owner comes from the cache (filled by one unlocked read on a
 * miss) and one conditional write records the event. Locked path: anything that changes ownership (an idle thread claimed, a lapse, Meta's
 * own handovers) or a cache miss/mismatch runs under the thread's row lock.
 */
@Injectable()
export class RoutingService {
  private readonly logger = new Logger(RoutingService.name);

  constructor(
    private readonly pages: PagesService,
    private readonly threads: ThreadsRepository,
    private readonly routingWrites: RoutingWritesRepository,
    private readonly ownership: OwnershipService,
    private readonly cache: OwnershipCache,
    private readonly outbox: OutboxPublisher,
    private readonly publisher: JetStreamPublisher,
    private readonly sent: SentMessagesRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async route(envelope: WebhookEventStored, meta: DeliveryMeta): Promise<void> {
    const view = await this.pages.find(envelope.pageId);
    if (envelope.kind === 'policy_enforcement') this.reportPolicyEnforcement(envelope);
    if (!view || envelope.psid === '') {
      routed.inc({ kind: envelope.kind, outcome: view ? 'page_level' : 'unknown_page', path: 'none' });
      if (!view) this.logger.warn({ pageId: envelope.pageId, eventId: envelope.eventId }, 'event for an unregistered page; kept in the stream, not routed');
      return;
    }
    const fast = await this.tryFastPath(envelope, meta, view);
    const owner = fast !== undefined ? fast : await this.routeLocked(envelope, meta, view);
    if (isMetaHandover(envelope)) return;
    await this.deliver(envelope, view, owner);
    routed.inc({ kind: envelope.kind, outcome: owner ? 'owned' : 'idle', path: fast !== undefined ? 'fast' : 'locked' });
  }

  /**
   * Meta warns or blocks the app on the Page (`messaging_policy_enforcement`): an operator must
   * see it, since sends will fail. The shape is unconfirmed (§8 #12): only `action` and `reason`
   * are logged, cut short; the event stays in the stream as it came.
   */
  private reportPolicyEnforcement(envelope: WebhookEventStored): void {
    const body = (envelope.event.policy_enforcement ?? envelope.event['policy-enforcement'] ?? {}) as { action?: unknown; reason?: unknown };
    const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 300) : undefined);
    this.logger.warn({ pageId: envelope.pageId, eventId: envelope.eventId, action: text(body.action), reason: text(body.reason) }, 'Meta policy enforcement for this Page (messaging_policy_enforcement)');
  }

  /** Returns the owner, or undefined when the locked path must decide. */
  private async tryFastPath(envelope: WebhookEventStored, meta: DeliveryMeta, view: PageView): Promise<string | null | undefined> {
    const cached = this.cache.get(envelope.pageId, envelope.psid) ?? (await this.loadIntoCache(envelope.pageId, envelope.psid));
    if (!cached || !this.fastPathApplies(cached, envelope, meta, view)) return undefined;
    const now = this.clock.now();
    const activity = isUserInteraction(envelope) && cached.ownerAppId !== null;
    const expiresAt = activity ? this.ownership.expiryFrom(now) : null;
    const recorded = await this.routingWrites.record({
      pageId: envelope.pageId,
      psid: envelope.psid,
      streamSeq: meta.streamSeq,
      version: cached.version,
      now,
      activity,
      expiresAt,
      refreshExpiryBefore: expiresAt && new Date(expiresAt.getTime() - this.ownership.expiryRefreshMs),
    });
    if (recorded) {
      if (expiresAt) cached.expiresAt = expiresAt.getTime();
      return cached.ownerAppId;
    }
    this.cache.forget(envelope.pageId, envelope.psid);
    return undefined; // a stale view or a redelivery: the locked path reads the truth
  }

  /**
   * A cache miss (first event after a restart or after an ownership change) reads the row without
   * locking it: the fast path's write is conditional on the version read, so an unlocked read is
   * as safe as a locked one and costs one statement instead of a whole locked transaction.
   */
  private async loadIntoCache(pageId: string, psid: string): Promise<CachedThread | undefined> {
    const thread = await this.threads.findThread(pageId, psid);
    if (!thread) return undefined; // a new thread: the locked path creates it
    this.cache.remember(thread);
    return this.cache.get(pageId, psid);
  }

  private fastPathApplies(cached: CachedThread, envelope: WebhookEventStored, meta: DeliveryMeta, view: PageView): boolean {
    if (meta.streamSeq <= cached.ownerSinceSeq) return false; // stored before the current owner took over
    if (ownerLeft(view, cached.ownerAppId)) return false; // removed from the Page: the locked path frees the thread
    if (cached.expiresAt !== null && cached.expiresAt <= this.clock.now().getTime()) return false; // lapsed
    if (ownerFromMetaHandover(envelope, cached.ownerAppId) !== undefined || isInboxEcho(envelope)) return false;
    return !(cached.ownerAppId === null && claimsIdleThread(envelope) && this.claimantFor(view, envelope) !== null);
  }

  private async routeLocked(envelope: WebhookEventStored, meta: DeliveryMeta, view: PageView): Promise<string | null> {
    const { owner, outboxIds } = await this.threads.inThreadTransaction(envelope.pageId, envelope.psid, async (tx) => {
      const decided = await this.decide(tx, view, envelope, meta);
      tx.afterCommit.push(() => this.cache.remember(tx.thread));
      return decided;
    });
    await this.outbox.publishNow(outboxIds);
    return owner;
  }

  private async decide(tx: ThreadTx, view: PageView, envelope: WebhookEventStored, meta: DeliveryMeta) {
    // A redelivery (this thread already routed this position): the same owner from the history,
    // and none of the event's ownership effects a second time.
    if (meta.streamSeq <= tx.thread.lastEventSeq) return { owner: await this.ownerAt(tx, meta.streamSeq), outboxIds: [] as OutboxMessage[] };
    const outboxIds: OutboxMessage[] = [];
    if (this.ownership.hasLapsed(tx)) outboxIds.push(...(await this.ownership.lapse(tx, view, meta.streamSeq - 1)));
    else if (ownerLeft(view, tx.thread.ownerAppId)) outboxIds.push(...(await this.ownership.ownerRemoved(tx, view, meta.streamSeq - 1)));
    outboxIds.push(...(await this.applyOwnershipSignals(tx, view, envelope, meta.streamSeq - 1)));
    const owner = await this.ownerAt(tx, meta.streamSeq);
    const now = this.clock.now();
    if (isUserInteraction(envelope) && tx.thread.ownerAppId !== null) {
      tx.thread.lastActivityAt = now;
      tx.thread.expiresAt = this.ownership.expiryFrom(now);
    }
    tx.thread.lastEventSeq = Math.max(tx.thread.lastEventSeq, meta.streamSeq);
    await tx.saveThread();
    return { owner, outboxIds };
  }

  /**
   * Who owned the thread when the event at `streamSeq` was stored: the current owner if it took
   * over before that position, otherwise the audit log's owner at that position. A pure function
   * of the history, so a redelivery is routed exactly as the first delivery was.
   */
  private ownerAt(tx: ThreadTx, streamSeq: number): Promise<string | null> {
    return streamSeq > tx.thread.ownerSinceSeq ? Promise.resolve(tx.thread.ownerAppId) : tx.ownerAt(streamSeq);
  }

  private async applyOwnershipSignals(tx: ThreadTx, view: PageView, envelope: WebhookEventStored, fromStreamSeq: number): Promise<OutboxMessage[]> {
    const fromMeta = ownerFromMetaHandover(envelope, tx.thread.ownerAppId);
    if (fromMeta !== undefined) {
      // "Done" in the Page Inbox returns control to the primary receiver (§2.2): our default app,
      // told by a pass_thread_control, so it can pick the conversation up. Without one: idle.
      const toAppId = fromMeta ?? this.defaultBot(view);
      const notice = toAppId === PAGE_INBOX_APP_ID ? 'take_thread_control' : 'pass_thread_control';
      return this.ownership.changeOwner(tx, view, { action: 'external', actorAppId: PAGE_INBOX_APP_ID, toAppId, notice, fromStreamSeq });
    }
    if (isInboxEcho(envelope) && tx.thread.ownerAppId !== PAGE_INBOX_APP_ID) {
      return this.ownership.changeOwner(tx, view, { action: 'external', actorAppId: PAGE_INBOX_APP_ID, toAppId: PAGE_INBOX_APP_ID, notice: 'take_thread_control', fromStreamSeq });
    }
    const claimant = this.claimantFor(view, envelope);
    // Only an event stored after the thread went idle enters it: one stored while the thread was
    // still owned (routed late, after a release) belongs to that owner and claims nothing.
    const storedWhileIdle = fromStreamSeq >= tx.thread.ownerSinceSeq;
    if (tx.thread.ownerAppId === null && storedWhileIdle && claimant && claimsIdleThread(envelope)) {
      return this.ownership.changeOwner(tx, view, { action: 'default', actorAppId: null, toAppId: claimant, fromStreamSeq });
    }
    return [];
  }

  /** The Page's default app, if it is a bot that may receive (subscribed). */
  private defaultBot(view: PageView): string | null {
    const appId = view.page.defaultOwnerAppId;
    return appId && view.apps.some((a) => a.appId === appId && a.role === 'bot' && a.subscribed) ? appId : null;
  }

  /** Who gets an idle thread this event enters: an entry-point rule's app, else the default app. */
  private claimantFor(view: PageView, envelope: WebhookEventStored): string | null {
    const candidate = matchRule(view.page.routingRules ?? [], envelope.event)?.appId ?? view.page.defaultOwnerAppId;
    return candidate && view.apps.some((a) => a.appId === candidate && a.subscribed) ? candidate : null;
  }

  /**
   * Publishes to every bot of the Page; the echo of a bot's own send is not returned to it.
   * An unsubscribed bot's copy goes to the DEAD stream instead, for replay after it resubscribes.
   */
  private async deliver(envelope: WebhookEventStored, view: PageView, owner: string | null): Promise<void> {
    const bots = view.apps.filter((a) => a.role === 'bot' && a.subscribed);
    const unsubscribed = view.apps.filter((a) => a.role === 'bot' && !a.subscribed);
    const sender = envelope.kind === 'echo' ? await this.sent.senderOf(messageId(envelope)) : undefined;
    const deliveries = [...routedDeliveries(envelope, bots, owner, sender ?? undefined), ...deadLetterDeliveries(envelope, unsubscribed, owner, sender ?? undefined)];
    await Promise.all(deliveries.map((d) => this.publisher.publish(d.subject, d.payload, { msgID: d.msgId, correlationId: envelope.correlationId })));
  }
}

function messageId(envelope: WebhookEventStored): string {
  return String((envelope.event.message as { mid?: unknown } | undefined)?.mid ?? '');
}
