import { Injectable } from '@nestjs/common';
import type { BotEventDelivered, OutboundMessageSent, ThreadOwnerChanged, WebhookEventStored } from '@app/contracts';
import { LiveUpdates } from '../live/live-updates.service.js';
import { botDeliveryFact, outboundFact, ownerChangedFact, webhookFact, type ConsoleFact } from './console-facts.js';
import { TimelineRepository } from './timeline.repository.js';

/** Turns stream messages into the console's read model, then tells the open browsers. */
@Injectable()
export class ConsoleIngestService {
  constructor(
    private readonly repository: TimelineRepository,
    private readonly live: LiveUpdates,
  ) {}

  webhook(event: WebhookEventStored): Promise<void> {
    return this.apply(webhookFact(event));
  }

  outbound(fact: OutboundMessageSent): Promise<void> {
    return this.apply(outboundFact(fact));
  }

  botDelivery(delivery: BotEventDelivered, streamSeq: number): Promise<void> {
    return this.apply(botDeliveryFact(delivery, streamSeq));
  }

  ownerChanged(change: ThreadOwnerChanged): Promise<void> {
    return this.apply(ownerChangedFact(change));
  }

  private async apply(fact: ConsoleFact | undefined): Promise<void> {
    if (!fact) return;
    const changed = await this.repository.record(fact);
    if (changed) this.live.publish({ type: 'thread', pageId: fact.thread.pageId, psid: fact.thread.psid });
  }
}
