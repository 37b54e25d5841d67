import { Inject, Injectable, Logger } from '@nestjs/common';
import { PAGE_INBOX_APP_ID, type WebhookEventStored } from '@app/contracts';
import { JetStreamPublisher, type DeliveryMeta } from '@app/messaging';
import { Clock, counter } from '@app/platform';
import { routedDeliveries } from '../delivery/bot-events.js';
import { OutboxPublisher } from '../delivery/outbox-publisher.service.js';
import type { PageView } from '../pages/pages.service.js';
import { PagesService } from '../pages/pages.service.js';
import { OwnershipService } from '../threads/ownership.service.js';
import { ThreadsRepository, type ThreadTx } from '../threads/threads.repository.js';
import { SentMessagesRepository } from '../outbound/sent-messages.repository.js';
import { claimsIdleThread, isInboxEcho, isMetaHandover, isUserInteraction, ownerFromMetaHandover } from './routing-decisions.js';

const routed = counter({ name: 'routing_events_total', help: 'Webhook events routed to bots', labelNames: ['kind', 'outcome'] });

/**
 * Decides, for each stored webhook event, who owns its thread, and delivers it: the owner on
 * `messaging`, every other bot on `standby`. The decision is recorded with the event id, so a
 * redelivery is routed identically.
 */
@Injectable()
export class RoutingService {
  private readonly logger = new Logger(RoutingService.name);

  constructor(
    private readonly pages: PagesService,
    private readonly threads: ThreadsRepository,
    private readonly ownership: OwnershipService,
    private readonly outbox: OutboxPublisher,
    private readonly publisher: JetStreamPublisher,
    private readonly sent: SentMessagesRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async route(envelope: WebhookEventStored, meta: DeliveryMeta): Promise<void> {
    const view = await this.pages.find(envelope.pageId);
    if (!view || envelope.psid === '') {
      routed.inc({ kind: envelope.kind, outcome: view ? 'page_level' : 'unknown_page' });
      if (!view) this.logger.warn({ pageId: envelope.pageId, eventId: envelope.eventId }, 'event for an unregistered page; kept in the stream, not routed');
      return;
    }
    const { owner, outboxIds } = await this.threads.inThreadTransaction(envelope.pageId, envelope.psid, (tx) => this.decide(tx, view, envelope, meta));
    await this.outbox.publishNow(outboxIds);
    if (isMetaHandover(envelope)) return;
    await this.deliver(envelope, view, owner);
    routed.inc({ kind: envelope.kind, outcome: owner ? 'owned' : 'idle' });
  }

  private async decide(tx: ThreadTx, view: PageView, envelope: WebhookEventStored, meta: DeliveryMeta) {
    const previous = await tx.findRouted(envelope.eventId);
    if (previous) return { owner: previous.ownerAppId, outboxIds: [] as string[] };
    const outboxIds: string[] = [];
    if (this.ownership.hasLapsed(tx)) outboxIds.push(...(await this.ownership.lapse(tx, view)));
    outboxIds.push(...(await this.applyOwnershipSignals(tx, view, envelope)));
    const now = this.clock.now();
    if (isUserInteraction(envelope) && tx.thread.ownerAppId !== null) {
      tx.thread.lastActivityAt = now;
      tx.thread.expiresAt = this.ownership.expiryFrom(now);
    }
    tx.thread.lastEventSeq = Math.max(tx.thread.lastEventSeq, meta.streamSeq);
    await tx.saveThread();
    await tx.markRouted(envelope.eventId, tx.thread.ownerAppId, now);
    return { owner: tx.thread.ownerAppId, outboxIds };
  }

  private async applyOwnershipSignals(tx: ThreadTx, view: PageView, envelope: WebhookEventStored): Promise<string[]> {
    const fromMeta = ownerFromMetaHandover(envelope, tx.thread.ownerAppId);
    if (fromMeta !== undefined) {
      return this.ownership.changeOwner(tx, view, { action: 'external', actorAppId: fromMeta ?? PAGE_INBOX_APP_ID, toAppId: fromMeta, notice: fromMeta ? 'take_thread_control' : 'pass_thread_control' });
    }
    if (isInboxEcho(envelope) && tx.thread.ownerAppId !== PAGE_INBOX_APP_ID) {
      return this.ownership.changeOwner(tx, view, { action: 'external', actorAppId: PAGE_INBOX_APP_ID, toAppId: PAGE_INBOX_APP_ID, notice: 'take_thread_control' });
    }
    const defaultOwner = subscribedDefault(view);
    if (tx.thread.ownerAppId === null && defaultOwner && claimsIdleThread(envelope)) {
      return this.ownership.changeOwner(tx, view, { action: 'default', actorAppId: null, toAppId: defaultOwner });
    }
    return [];
  }

  /** Publishes to every bot of the Page; the echo of a bot's own send is not returned to it. */
  private async deliver(envelope: WebhookEventStored, view: PageView, owner: string | null): Promise<void> {
    const bots = view.apps.filter((a) => a.role === 'bot' && a.subscribed);
    const sender = envelope.kind === 'echo' ? await this.sent.senderOf(messageId(envelope)) : undefined;
    const deliveries = routedDeliveries(envelope, bots, owner, sender ?? undefined);
    await Promise.all(deliveries.map((d) => this.publisher.publish(d.subject, d.payload, { msgID: d.msgId, correlationId: envelope.correlationId })));
  }
}

function subscribedDefault(view: PageView): string | null {
  const id = view.page.defaultOwnerAppId;
  return id && view.apps.some((a) => a.appId === id && a.subscribed) ? id : null;
}

function messageId(envelope: WebhookEventStored): string {
  return String((envelope.event.message as { mid?: unknown } | undefined)?.mid ?? '');
}
