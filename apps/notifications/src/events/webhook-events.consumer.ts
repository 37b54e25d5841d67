import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { WEBHOOK_EVENT_SUBJECT, streamName, webhookEventStoredSchema } from '@app/contracts';
import { deleteConsumersMatching, NatsConnectionService, OrderedBatchConsumer } from '@app/messaging';
import { LeaderLease } from '@app/platform';
import type { NotificationsEnv } from '../config/env.js';
import { EventIngestService } from './event-ingest.service.js';

/** The one durable this service reads the EVENTS stream with. */
export const EVENTS_DURABLE = 'notifications-events';
const MAX_BATCH = 256;
const ACK_WAIT_MS = 10_000;
/**
 * Batches gather for up to this long: nobody waits on this consumer except a bot's send asking
 * for the window of an event it just got (it waits, bounded, for that event to be processed).
 */
const LINGER_MS = 20;

/**
 * Reads every stored webhook event (all partitions) in stream order, in batches: what arrives
 * while one batch is being written forms the next, and one ack covers a whole batch. A window
 * question "is event N of this thread processed?" is then answered by the thread's processed
 * position, because everything before a processed event is processed too.
 *
 * One reader only (an ack covers everything before it): the replica that holds the leader
 * lease; the others wait to take over. Per event, this costs one delivery and a share of one
 * statement, where one consumer per partition cost a delivery, an ack and a commit each.
 */
@Injectable()
export class WebhookEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookEventsConsumer.name);
  private lease?: LeaderLease;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly ingest: EventIngestService,
    private readonly config: ConfigService<NotificationsEnv, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.removeOldPartitionConsumers();
    this.lease = new LeaderLease({ connectionString: this.config.get('DATABASE_URL', { infer: true }), name: `${this.nats.options.prefix}:${EVENTS_DURABLE}` });
    this.lease.start((lost) =>
      new OrderedBatchConsumer(this.nats, {
        stream: 'EVENTS',
        durable: EVENTS_DURABLE,
        filterSubject: `${WEBHOOK_EVENT_SUBJECT}.>`,
        schema: webhookEventStoredSchema,
        maxBatch: MAX_BATCH,
        ackWaitMs: ACK_WAIT_MS,
        lingerMs: LINGER_MS,
        handle: (batch, deadLetter) => this.ingest.handleBatch(batch, deadLetter),
      }).run(lost),
    );
  }

  /** Stops reading (the batch in hand is finished and acked) before NATS and the database close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.lease?.stop();
  }

  /** Earlier versions read with one consumer per partition (`notifications-<n>`); they would only hold state. */
  private async removeOldPartitionConsumers(): Promise<void> {
    const stream = streamName(this.nats.options.prefix, 'EVENTS');
    try {
      await deleteConsumersMatching(this.nats.jsm, stream, /^notifications-\d+$/);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not remove the old per-partition consumers; they are harmless');
    }
  }
}
