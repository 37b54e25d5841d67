import { ServerNats } from '@nestjs/microservices';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { MessagingOptions } from '../connection/messaging-options.js';
import { PlainJsonReplySerializer, PlainJsonRequestDeserializer } from './plain-json.codec.js';

/**
 * Nest's NATS transport, with two changes:
 * - every `@MessagePattern` subject is put under the installation's prefix at subscribe time
 *   (decorators are evaluated at import, before configuration is known);
 * - plain JSON on the wire (see plain-json.codec.ts).
 * All replicas of a service share one queue group, so each request is answered once.
 */
export class NatsRpcServer extends ServerNats {
  private readonly ownSubscriptions: Subscription[] = [];

  constructor(private readonly messaging: MessagingOptions) {
    super({
      servers: messaging.servers.split(','),
      name: `${messaging.service}-rpc`,
      user: messaging.user,
      pass: messaging.password,
      queue: messaging.service,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      serializer: new PlainJsonReplySerializer(),
      deserializer: new PlainJsonRequestDeserializer(),
    });
  }

  override bindEvents(client: NatsConnection): void {
    for (const [pattern, handler] of this.messageHandlers) {
      const queue = (handler.extras?.queue as string | undefined) ?? this.messaging.service;
      const subscription = client.subscribe(`${this.messaging.prefix}.${pattern}`, {
        queue,
        callback: this.getMessageHandler(pattern).bind(this) as never,
      });
      this.ownSubscriptions.push(subscription);
    }
  }

  /** Stop taking requests, let queued ones finish, then close. */
  override async close(): Promise<void> {
    await Promise.allSettled(this.ownSubscriptions.map((s) => s.drain()));
    this.ownSubscriptions.length = 0;
    await super.close();
  }
}
