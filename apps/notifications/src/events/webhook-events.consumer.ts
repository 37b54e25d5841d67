import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { WEBHOOK_EVENT_SUBJECT, webhookEventStoredSchema } from '@app/contracts';
import { DurableConsumers } from '@app/messaging';
import { EventIngestService } from './event-ingest.service.js';

/**
 * The EVENTS stream, durable `notifications`. Started in onApplicationBootstrap, i.e. after the
 * migrations ran in onModuleInit. maxAckPending 1 keeps the stream order across replicas, so
 * "processed up to sequence N for this thread" really means every earlier event is processed too.
 */
@Injectable()
export class WebhookEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: DurableConsumers,
    private readonly ingest: EventIngestService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      stream: 'EVENTS',
      durable: 'notifications',
      filterSubject: `${WEBHOOK_EVENT_SUBJECT}.>`,
      schema: webhookEventStoredSchema,
      maxAckPending: 1,
      handle: (event, meta) => this.ingest.handle(event, meta.streamSeq),
    });
  }
}
