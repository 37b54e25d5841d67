import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { prefixed } from '@app/contracts';
import type { MessagingOptions } from './messaging-options.js';
import { WriteCoalescer } from './write-coalescer.js';

/**
 * The service's one NATS connection (core + JetStream). Created by an async provider, so it is
 * connected before anything that injects it exists; a boot without NATS fails with a message
 * naming the server. Drains on shutdown so in-flight publishes are flushed.
 */
export class NatsConnectionService implements OnApplicationShutdown {
  private readonly logger = new Logger(NatsConnectionService.name);
  /** Publishes and acks of one event-loop turn share one socket write. */
  readonly writes = new WriteCoalescer();

  private constructor(
    readonly options: MessagingOptions,
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
  ) {
    void this.watchStatus();
  }

  static async connect(options: MessagingOptions): Promise<NatsConnectionService> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: options.servers.split(','),
        name: options.service,
        user: options.user,
        pass: options.password,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        timeout: 3000,
        // Async stack traces allocate an Error per request: measurable on the webhook hot path.
        noAsyncTraces: true,
      });
    } catch (error) {
      throw new Error(`NATS is not reachable at ${options.servers}: ${(error as Error).message}`);
    }
    return new NatsConnectionService(options, nc, jetstream(nc), await jetstreamManager(nc));
  }

  /** The absolute subject for a contract subject. */
  subject(relative: string): string {
    return prefixed(this.options.prefix, relative);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') this.logger.warn(`NATS disconnected from ${this.options.servers}`);
      if (status.type === 'reconnect') this.logger.log('NATS reconnected');
    }
  }
}
