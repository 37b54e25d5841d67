import { ServerNats } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { MessagingOptions } from '../connection/messaging-options.js';
import { PlainJsonReplySerializer, PlainJsonRequestDeserializer } from './plain-json.codec.js';
import { replyAllowed } from './reply-guard.js';

/**
 * Nest's NATS transport, with two changes:
 * - every `@MessagePattern` subject is put under the installation's prefix at subscribe time
 *   (decorators are evaluated at import, before configuration is known);
 * - plain JSON on the wire (see plain-json.codec.ts).
 * All replicas of a service share one queue group, so each request is answered once.
 */
/** How long close() waits for requests being handled to answer before closing anyway. */
const IN_FLIGHT_GRACE_MS = 10_000;

export class NatsRpcServer extends ServerNats {
  private readonly ownSubscriptions: Subscription[] = [];
  /** Requests being handled: close() lets them answer before the connection goes. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The connection Nest handed to bindEvents (its own field is private). */
  private connection?: NatsConnection;

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
    this.connection = client;
    for (const [pattern, handler] of this.messageHandlers) {
      const queue = (handler.extras?.queue as string | undefined) ?? this.messaging.service;
      const handle = this.getMessageHandler(pattern).bind(this) as (...args: unknown[]) => unknown;
      const subscription = client.subscribe(`${this.messaging.prefix}.${pattern}`, {
        queue,
        callback: ((error: unknown, message: Msg | undefined) => {
          if (message && !replyAllowed(this.messaging.prefix, message.subject, message.reply)) return this.refuseReply(message);
          this.track(handle(error, message));
        }) as never,
      });
      this.ownSubscriptions.push(subscription);
    }
  }

  /**
   * Stop taking requests, let the ones being handled answer (at most IN_FLIGHT_GRACE_MS), then
   * close. Draining a subscription does not wait for its async handlers: without this their
   * replies met a closed connection, and callers timed out on requests that had taken effect.
   */
  override async close(): Promise<void> {
    await Promise.allSettled(this.ownSubscriptions.map((s) => s.drain()));
    this.ownSubscriptions.length = 0;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, IN_FLIGHT_GRACE_MS)));
    await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
    clearTimeout(timer);
    // Nest publishes a reply on the next tick after the handler, into nats.js' write buffer:
    // flushed (a round trip to the server) before the connection closes, or it is lost.
    await new Promise((resolve) => setImmediate(resolve));
    await this.connection?.flush().catch(() => undefined);
    await super.close();
  }

  /** Dropped unanswered: the caller's own timeout tells it; the log tells the operator. */
  private refuseReply(message: Msg): void {
    this.logger.warn(`request on ${message.subject} dropped: its reply subject ${message.reply} is not an inbox of the caller (see reply-guard.ts)`);
  }

  private track(result: unknown): void {
    if (!(result instanceof Promise)) return;
    const settled = result.catch(() => undefined).finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
  }
}
