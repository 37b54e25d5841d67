import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_PARTITIONS, webhookEventStoredSchema, webhookEventSubject } from '@app/contracts';
import { DurableConsumers } from '@app/messaging';
import { RoutingService } from './routing.service.js';

/**
 * One durable consumer per partition of the EVENTS stream, each with one message in flight at a
 * time across all replicas: a thread's events are routed strictly in the order Meta sent them,
 * while different partitions proceed in parallel.
 */
@Injectable()
export class RoutingConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: DurableConsumers,
    private readonly routing: RoutingService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const partitions = Array.from({ length: EVENT_PARTITIONS }, (_, partition) => partition);
    await Promise.all(partitions.map((partition) =>
      this.consumers.start({
        stream: 'EVENTS',
        durable: `thread-ownership-routing-${partition}`,
        filterSubject: webhookEventSubject(partition),
        schema: webhookEventStoredSchema,
        maxAckPending: 1,
        // A replica that died holding its partition's event stalls that partition this long: kept
        // short. A redelivery while a slow handler is still at work is harmless (routing is
        // idempotent: the same owner from the history, the same message ids on BOTS).
        ackWaitMs: 10_000,
        handle: (envelope, meta) => this.routing.route(envelope, meta),
      }),
    ));
  }
}
