import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MESSAGING_OPTIONS, messagingOptionsFromEnv, type MessagingOptions } from './connection/messaging-options.js';
import { NatsConnectionService } from './connection/nats-connection.service.js';
import { DurableConsumers } from './jetstream/durable-consumer.js';
import { JetStreamPublisher } from './jetstream/jetstream-publisher.js';
import { ensureStreams, streamSettingsFromEnv } from './jetstream/streams.js';
import { RpcClient } from './rpc/rpc-client.js';

/**
 * NATS for one service: the connection, JetStream streams (created if missing), publishing,
 * durable consumers and request-reply calls. The RPC *server* is attached in main.ts
 * (see createRpcMicroservice) because Nest connects microservices outside the module graph.
 */
@Global()
@Module({})
export class MessagingModule {
  static forService(service: string): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: MESSAGING_OPTIONS,
          useFactory: (config: ConfigService) => messagingOptionsFromEnv(service, readEnv(config)),
          inject: [ConfigService],
        },
        {
          provide: NatsConnectionService,
          useFactory: async (options: MessagingOptions) => {
            const nats = await NatsConnectionService.connect(options);
            await ensureStreams(nats.jsm, options.prefix, streamSettingsFromEnv(process.env));
            return nats;
          },
          inject: [MESSAGING_OPTIONS],
        },
        JetStreamPublisher,
        DurableConsumers,
        RpcClient,
      ],
      exports: [MESSAGING_OPTIONS, NatsConnectionService, JetStreamPublisher, DurableConsumers, RpcClient],
    };
  }
}

/** The validated config wins over raw process.env (defaults applied there). */
function readEnv(config: ConfigService): Record<string, unknown> {
  const keys = ['NATS_URL', 'NATS_PREFIX', 'NATS_USER', 'NATS_PASSWORD', 'NATS_CREDENTIALS_SECRET', 'RPC_TIMEOUT_MS'];
  return Object.fromEntries(keys.map((k) => [k, config.get(k)]).filter(([, v]) => v !== undefined));
}
