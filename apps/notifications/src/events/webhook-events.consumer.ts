import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_PARTITIONS, webhookEventStoredSchema, webhookEventSubject } from '@app/contracts';
import { DurableConsumers } from '@app/messaging';
import { EventIngestService } from './event-ingest.service.js';

/** Durable name of the consumer of one EVENTS partition: `notifications-0` … `notifications-15`. */
export const eventsDurable = (partition: number): string => `notifications-${partition}`;

/**
 * The EVENTS stream (`events.webhook.>`), one durable per partition, each with one message in
 * flight across all replicas. A thread always hashes to the same partition, so its events are
 * processed strictly in stream order ("processed up to sequence N for this thread" then really
 * means every earlier event of the thread is processed too), while the partitions run in
 * parallel: a single ordered consumer is bounded by one commit per event (~150–250 events/s
 * here) and its lag would turn into TIMEOUTs for window questions. Same layout as the
 * thread-ownership routing consumers. Started in onApplicationBootstrap, after the migrations.
 */
@Injectable()
export class WebhookEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: DurableConsumers,
    private readonly ingest: EventIngestService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const partitions = Array.from({ length: EVENT_PARTITIONS }, (_, partition) => partition);
    await Promise.all(partitions.map((partition) => this.startPartition(partition)));
  }

  private startPartition(partition: number): Promise<void> {
    return this.consumers.start({
      stream: 'EVENTS',
      durable: eventsDurable(partition),
      filterSubject: webhookEventSubject(partition),
      schema: webhookEventStoredSchema,
      maxAckPending: 1,
      handle: (event, meta) => this.ingest.handle(event, meta.streamSeq),
    });
  }
}
