import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { botEventDeliveredSchema, botEventsFilter, streamName, type BotChannel, type BotEventDelivered } from '@app/contracts';
import type { BotContext, BotHandler } from './bot-event.js';
import { resolveOptions, type BotOptions, type ResolvedBotOptions } from './bot-options.js';
import { KeyedQueue } from './keyed-queue.js';
import { SuiteClient } from './suite-client.js';

type HandlerSlot = BotChannel | 'optin';

/**
 * A bot app plugged into the suite: a NATS subscriber with typed handlers. Every replica of a
 * bot shares one durable consumer (`bot-<appId>`), so each event is handled by exactly one
 * replica; delivery is at least once (use `ctx.idempotencyKey`).
 */
export class Bot {
  readonly suite: SuiteClient;
  private readonly handlers = new Map<HandlerSlot, BotHandler[]>();
  private readonly queue = new KeyedQueue();
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;

  private constructor(
    readonly options: ResolvedBotOptions,
    private readonly nc: NatsConnection,
  ) {
    this.suite = new SuiteClient(nc, options.prefix, options.appId, options.requestTimeoutMs);
  }

  static async connect(options: BotOptions): Promise<Bot> {
    const resolved = resolveOptions(options);
    const nc = await connect({
      servers: resolved.servers.split(','),
      name: `bot-${resolved.appId}`,
      user: resolved.user,
      pass: resolved.password,
      maxReconnectAttempts: -1,
    });
    return new Bot(resolved, nc);
  }

  get appId(): string {
    return this.options.appId;
  }

  /** Events of threads this bot owns: it may reply. */
  onMessaging(handler: BotHandler): this {
    return this.on('messaging', handler);
  }

  /** Events of threads another app owns: read-only. */
  onStandby(handler: BotHandler): this {
    return this.on('standby', handler);
  }

  /** `messaging_handovers`: pass / take / request / release (idle expiry) concerning this bot. */
  onHandover(handler: BotHandler): this {
    return this.on('handover', handler);
  }

  /** Opt-ins (e.g. a user agreed to a one-time notification), whatever the channel. No token included. */
  onOptin(handler: BotHandler): this {
    return this.on('optin', handler);
  }

  /** Starts receiving. Events stored while the bot was away are delivered first, in order. */
  async start(): Promise<void> {
    const stream = streamName(this.options.prefix, 'BOTS');
    const durable = `bot-${this.options.appId}`;
    const jsm = await jetstreamManager(this.nc);
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: `${this.options.prefix}.${botEventsFilter(this.options.appId)}`,
      max_ack_pending: this.options.concurrency * 4,
      ack_wait: nanos(this.options.ackWaitMs),
      max_deliver: this.options.maxDeliver,
    };
    await jsm.consumers.add(stream, config).catch(() => jsm.consumers.update(stream, durable, config));
    const consumer = await jetstream(this.nc).consumers.get(stream, durable);
    this.messages = await consumer.consume({ max_messages: this.options.concurrency * 2 });
    this.loop = this.run(this.messages);
  }

  /** Graceful stop: no new events, in-flight handlers finish and are acked, then the connection drains. */
  async close(): Promise<void> {
    await this.messages?.close().catch(() => undefined);
    await this.loop;
    await this.queue.idle();
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  private on(slot: HandlerSlot, handler: BotHandler): this {
    this.handlers.set(slot, [...(this.handlers.get(slot) ?? []), handler]);
    return this;
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) {
      while (this.queue.size >= this.options.concurrency) await Promise.race([this.queue.idle(), pause(5)]);
      void this.queue.run(threadKey(message), () => this.handle(message)).catch(() => undefined);
    }
  }

  private async handle(message: JsMsg): Promise<void> {
    const parsed = botEventDeliveredSchema.safeParse(safeJson(message));
    if (!parsed.success) {
      this.options.logger.error('malformed event from the suite; dropped', { subject: message.subject });
      message.term('malformed');
      return;
    }
    const event = parsed.data;
    try {
      for (const handler of this.handlersFor(event)) await handler(event, this.context(event, message));
      message.ack();
    } catch (error) {
      const attempt = message.info.deliveryCount;
      this.options.logger.warn('handler failed; the event will be redelivered', { key: event.idempotencyKey, attempt, error: String(error) });
      message.nak(Math.min(30_000, 200 * 2 ** attempt));
    }
  }

  private handlersFor(event: BotEventDelivered): BotHandler[] {
    const byChannel = this.handlers.get(event.channel) ?? [];
    return event.kind === 'optin' ? [...byChannel, ...(this.handlers.get('optin') ?? [])] : byChannel;
  }

  private context(event: BotEventDelivered, message: JsMsg): BotContext {
    return {
      idempotencyKey: event.idempotencyKey,
      deliveryCount: message.info.deliveryCount,
      reply: (reply) =>
        this.suite.send({ pageId: event.pageId, psid: event.psid, message: typeof reply === 'string' ? { text: reply } : reply }),
    };
  }
}

function threadKey(message: JsMsg): string {
  const parsed = safeJson(message) as { pageId?: string; psid?: string } | undefined;
  return `${parsed?.pageId ?? ''}:${parsed?.psid ?? ''}`;
}

function safeJson(message: JsMsg): unknown {
  try {
    return message.json();
  } catch {
    return undefined;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
