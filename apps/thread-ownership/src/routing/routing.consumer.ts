import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { WEBHOOK_EVENT_SUBJECT, streamName, webhookEventStoredSchema } from '@app/contracts';
import { deleteConsumersMatching, firstUnackedAcross, NatsConnectionService, ThreadOrderedConsumer } from '@app/messaging';
import { LeaderLease } from '@app/platform';
import type { ThreadOwnershipEnv } from '../config/thread-ownership-env.js';
import { RoutingService } from './routing.service.js';

/** The one durable routing reads the EVENTS stream with. */
export const ROUTING_DURABLE = 'thread-ownership-routing';
/** Earlier versions read with one durable per partition, one event in flight each. */
const PARTITION_DURABLE = /^thread-ownership-routing-\d+$/;
/** Events routed at once (as many as the 64 partition consumers allowed before). */
const CONCURRENCY = 64;
/** Events in hand at once: running, or waiting behind their thread's earlier ones. */
const MAX_ACK_PENDING = 512;
/**
 * A reader that died holding events: the next one starts at the ack floor at once, so this only
 * matters for an event whose handler hangs. Kept short, as before.
 */
const ACK_WAIT_MS = 10_000;

/**
 * Routes every stored webhook event, each thread's events strictly in the order Meta sent them,
 * different threads side by side: one durable for all partitions, read by the replica that holds
 * the leader lease (two readers would split a thread's events between them); the other replicas
 * wait to take over and meanwhile serve requests.
 *
 * Before, each of the 64 partitions had its own durable with one event in flight. That kept the
 * order too, but nats-server woke all 64 for every stored event, and an event waited for its
 * partition's previous one (another thread's) to be routed, published and acked.
 */
@Injectable()
export class RoutingConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RoutingConsumer.name);
  private lease?: LeaderLease;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly routing: RoutingService,
    private readonly config: ConfigService<ThreadOwnershipEnv, true>,
  ) {}

  onApplicationBootstrap(): void {
    this.lease = new LeaderLease({ connectionString: this.config.get('DATABASE_URL', { infer: true }), name: `${this.nats.options.prefix}:${ROUTING_DURABLE}` });
    this.lease.start((lost) =>
      new ThreadOrderedConsumer(this.nats, {
        stream: 'EVENTS',
        durable: ROUTING_DURABLE,
        filterSubject: `${WEBHOOK_EVENT_SUBJECT}.>`,
        schema: webhookEventStoredSchema,
        keyOf: (envelope) => `${envelope.pageId}:${envelope.psid}`,
        maxAckPending: MAX_ACK_PENDING,
        concurrency: CONCURRENCY,
        ackWaitMs: ACK_WAIT_MS,
        handle: (envelope, meta) => this.routing.route(envelope, meta),
        firstStartSeq: () => this.startAfterPartitionConsumers(),
        opened: () => this.removePartitionConsumers(),
      }).run(lost),
    );
  }

  /** Whether this replica is the one routing now. */
  get leading(): boolean {
    return this.lease?.leading ?? false;
  }

  /** Stops reading; events being routed finish and are acked before NATS and the database close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.lease?.stop();
  }

  private get stream(): string {
    return streamName(this.nats.options.prefix, 'EVENTS');
  }

  /**
   * Where the new durable starts on an install that routed with per-partition durables: at the
   * first event some partition had not acknowledged (firstUnackedAcross). The events between it
   * and the other partitions' positions are routed again: routing is idempotent, and the BOTS
   * stream's dedupe window drops the copies. A fresh install (no old durables) reads from the start.
   */
  private async startAfterPartitionConsumers(): Promise<number | undefined> {
    const start = await firstUnackedAcross(this.nats.jsm, this.stream, PARTITION_DURABLE);
    if (start !== undefined) this.logger.log({ start }, 'routing moves from per-partition durables to one; starting at the first event a partition had not routed');
    return start;
  }

  /** Once the new durable exists, the old ones would only hold state (and cost nats-server a wake-up per event). */
  private async removePartitionConsumers(): Promise<void> {
    try {
      await deleteConsumersMatching(this.nats.jsm, this.stream, PARTITION_DURABLE);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not remove the old per-partition durables; the next start tries again');
    }
  }
}
