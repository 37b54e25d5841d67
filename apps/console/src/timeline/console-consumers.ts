import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  botEventDeliveredSchema,
  OUTBOUND_SENT_SUBJECT,
  outboundMessageSentSchema,
  THREAD_OWNER_CHANGED_SUBJECT,
  threadOwnerChangedSchema,
  WEBHOOK_EVENT_SUBJECT,
  webhookEventStoredSchema,
} from '@app/contracts';
import { DurableConsumers } from '@app/messaging';
import { ConsoleIngestService } from './console-ingest.service.js';

/**
 * The console's own durable consumers (shared by its replicas), started after the migrations:
 * - EVENTS `events.webhook.>`: what users send (messages, postbacks, opt-ins …);
 * - EVENTS `events.outbound.sent`: what bots and agents send (published by thread-ownership);
 * - EVENTS `events.thread.owner.changed`: every change of owner (published by thread-ownership),
 *   so a thread's owner is live even when no bot was told (a plain release);
 * - BOTS `bot.>`: the owner each delivery was routed with, and handovers (each handover reaches
 *   several bots; the entries are deduplicated by idempotency key).
 * One filter each: the local NATS (2.9) has no multi-filter consumers.
 */
@Injectable()
export class ConsoleConsumers implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: DurableConsumers,
    private readonly ingest: ConsoleIngestService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      stream: 'EVENTS',
      durable: 'console-webhooks',
      filterSubject: `${WEBHOOK_EVENT_SUBJECT}.>`,
      schema: webhookEventStoredSchema,
      maxAckPending: 64,
      handle: (event) => this.ingest.webhook(event),
    });
    await this.consumers.start({
      stream: 'EVENTS',
      durable: 'console-outbound',
      filterSubject: OUTBOUND_SENT_SUBJECT,
      schema: outboundMessageSentSchema,
      maxAckPending: 64,
      handle: (fact) => this.ingest.outbound(fact),
    });
    await this.consumers.start({
      stream: 'EVENTS',
      durable: 'console-owners',
      filterSubject: THREAD_OWNER_CHANGED_SUBJECT,
      schema: threadOwnerChangedSchema,
      maxAckPending: 64,
      handle: (change) => this.ingest.ownerChanged(change),
    });
    await this.consumers.start({
      stream: 'BOTS',
      durable: 'console-bots',
      filterSubject: 'bot.>',
      schema: botEventDeliveredSchema,
      maxAckPending: 64,
      handle: (delivery, meta) => this.ingest.botDelivery(delivery, meta.streamSeq),
    });
  }
}
