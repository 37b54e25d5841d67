import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { credsAuthenticator } from '@nats-io/nats-core';
import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import {
  botDeliveryReportSubject,
  botEventDeliveredSchema,
  type BotChannel,
  type BotDeliveryReport,
  type BotEventDelivered,
} from '@app/contracts';
import { bindBotConsumer } from './bot-consumer.js';
import type { BotContext, BotHandler } from './bot-event.js';
import { resolveOptions, type BotOptions, type ResolvedBotOptions } from './bot-options.js';
import { KeyedQueue } from './keyed-queue.js';
import { checkRegistration, type RegistrationCheck } from './registration-check.js';
import { replyKey } from './reply-key.js';
import { signal } from './signal.js';
import { SuiteClient } from './suite-client.js';
import { isFinalRefusal } from './final-refusal.js';

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
  private registrationCheck?: Promise<RegistrationCheck>;
  private closing = false;
  private hasStopped = false;
  private readonly stoppedSignal = signal<Error | undefined>();
  /** The consumer's ack wait: a handler running longer has its event redelivered meanwhile. */
  private ackWaitMs = 0;

  private constructor(
    readonly options: ResolvedBotOptions,
    private readonly nc: NatsConnection,
  ) {
    this.suite = new SuiteClient(nc, options.prefix, options.appId, options.requestTimeoutMs);
    void this.watchErrors();
    void nc.closed().then((error) => {
      if (!this.closing) this.stop(error ?? new Error('the NATS connection closed'));
    });
  }

  /**
   * Resolves when the bot has stopped receiving: with undefined after close(), with the reason
   * when it stopped by itself (the connection closed for good, the consumer went away). A bot
   * process should then exit, so that its supervisor starts it again.
   */
  get stopped(): Promise<Error | undefined> {
    return this.stoppedSignal.promise;
  }

  static async connect(options: BotOptions): Promise<Bot> {
    const resolved = resolveOptions(options);
    const nc = await connect({
      servers: resolved.servers.split(','),
      name: `bot-${resolved.appId}`,
      inboxPrefix: resolved.inboxPrefix,
      maxReconnectAttempts: -1,
      // Keep reconnecting through authorization errors too (e.g. while a password is rotated):
      // by default two in a row close the connection for good.
      ignoreAuthErrorAbort: true,
      ...credentials(resolved),
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

  /**
   * Starts receiving. Events stored while the bot was away are delivered first, in order. Then
   * asks the suite, once and without holding start() up, which Pages the app is on, and warns
   * through the logger when it is on none (see checkRegistration).
   */
  async start(): Promise<void> {
    const { consumer, ackWaitMs } = await bindBotConsumer(this.nc, this.options);
    this.ackWaitMs = ackWaitMs;
    this.messages = await consumer.consume({ max_messages: this.options.concurrency * 2 });
    this.loop = this.run(this.messages).then(
      () => {
        if (!this.closing) this.stop(new Error('the event stream ended'));
      },
      (error: unknown) => this.stop(error instanceof Error ? error : new Error(String(error))),
    );
    this.registrationCheck = checkRegistration(this.appId, this.suite.myPages, this.options.logger);
  }

  /**
   * Graceful stop: no new events; handlers already running (and events of their threads already
   * queued behind them) finish and are acked; events fetched but not started are given back at
   * once (nak) for another replica; then the connection drains, flushing the acks.
   */
  async close(): Promise<void> {
    this.closing = true;
    await this.messages?.close().catch(() => undefined);
    await this.loop;
    await this.queue.idle();
    await this.registrationCheck; // never rejects; at most one request timeout
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
    this.stoppedSignal.resolve(undefined);
  }

  /** Stopped without close(): said loudly, once, and through `stopped`. */
  private stop(reason: Error): void {
    if (this.closing || this.hasStopped) return;
    this.hasStopped = true;
    this.options.logger.error('the bot stopped receiving events', { error: String(reason) });
    this.stoppedSignal.resolve(reason);
  }

  private on(slot: HandlerSlot, handler: BotHandler): this {
    this.handlers.set(slot, [...(this.handlers.get(slot) ?? []), handler]);
    return this;
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) {
      const key = threadKey(message);
      // A thread already running here takes its next event in turn (no extra concurrency).
      while (!this.closing && !this.queue.has(key) && this.queue.size >= this.options.concurrency) await Promise.race([this.queue.nextSettled(), pause(100)]);
      if (this.closing && !this.queue.has(key)) {
        message.nak(); // not started: another replica takes it now rather than after the ack wait
        continue;
      }
      // Waiting behind its thread's earlier events, it would run out its ack wait and come back
      // as a second copy (and so on): tell the server it is in hand until its turn comes.
      const keepAlive = this.queue.has(key) ? this.keepInHand(message) : undefined;
      void this.queue
        .run(key, () => {
          clearInterval(keepAlive);
          return this.handle(message);
        })
        .catch(() => undefined);
    }
  }

  /** Resets the event's ack timer every half ack wait (JetStream "working") until cleared. */
  private keepInHand(message: JsMsg): NodeJS.Timeout {
    const everyMs = this.ackWaitMs > 0 ? Math.max(250, Math.floor(this.ackWaitMs / 2)) : 5000;
    const timer = setInterval(() => {
      try {
        message.working();
      } catch {
        // the connection is gone: the server hands the event out again after its ack wait
      }
    }, everyMs);
    timer.unref();
    return timer;
  }

  private async handle(message: JsMsg): Promise<void> {
    const parsed = botEventDeliveredSchema.safeParse(safeJson(message));
    if (!parsed.success) {
      this.options.logger.error('malformed event from the suite; dropped', { subject: message.subject });
      this.report(message, 'term', 'malformed event: does not match botEventDeliveredSchema');
      message.term('malformed');
      return;
    }
    const event = parsed.data;
    const started = Date.now();
    try {
      const ctx = this.context(event, message); // one per delivery: its replies are numbered across handlers
      for (const handler of this.handlersFor(event)) await handler(event, ctx);
      this.reportIfLate(message, event, started);
      message.ack();
    } catch (error) {
      if (isFinalRefusal(error)) {
        // Another delivery would get the same answer (or send again what may have gone out): the
        // event is done, the reason is logged.
        this.options.logger.warn('the suite answered what another delivery would not change; the event is acked, not redelivered', { key: event.idempotencyKey, code: error.code, error: String(error) });
        this.reportIfLate(message, event, started);
        message.ack();
        return;
      }
      const attempt = message.info.deliveryCount;
      this.options.logger.warn('handler failed; the event will be redelivered', { key: event.idempotencyKey, attempt, error: String(error) });
      this.report(message, 'nak', String(error), event.idempotencyKey);
      message.nak(Math.min(30_000, 200 * 2 ** attempt));
    }
  }

  /** A handler that outlasted the ack wait: the event was redelivered meanwhile (said in the log and to the suite). */
  private reportIfLate(message: JsMsg, event: BotEventDelivered, started: number): void {
    const took = Date.now() - started;
    if (this.ackWaitMs <= 0 || took <= this.ackWaitMs) return;
    this.options.logger.warn('handler outlasted the ack wait; the event was redelivered meanwhile', { key: event.idempotencyKey, took, ackWaitMs: this.ackWaitMs });
    this.report(message, 'late', `handled in ${took} ms, longer than the ack wait (${this.ackWaitMs} ms)`, event.idempotencyKey);
  }

  /** Best effort: the suite's health view shows the reason next to what the server observed. */
  private report(message: JsMsg, outcome: BotDeliveryReport['outcome'], reason: string, idempotencyKey?: string): void {
    if (!this.options.reportFailures) return;
    const report: BotDeliveryReport = {
      appId: this.appId,
      outcome,
      streamSeq: message.seq,
      deliveryCount: message.info.deliveryCount,
      idempotencyKey,
      reason: reason.slice(0, 500),
    };
    try {
      this.nc.publish(`${this.options.prefix}.${botDeliveryReportSubject(this.appId)}`, JSON.stringify(report));
    } catch {
      // closing or disconnected: the server's own view (naks, redeliveries) still reaches the suite
    }
  }

  private handlersFor(event: BotEventDelivered): BotHandler[] {
    const byChannel = this.handlers.get(event.channel) ?? [];
    return event.kind === 'optin' ? [...byChannel, ...(this.handlers.get('optin') ?? [])] : byChannel;
  }

  private context(event: BotEventDelivered, message: JsMsg): BotContext {
    let replies = 0;
    return {
      idempotencyKey: event.idempotencyKey,
      deliveryCount: message.info.deliveryCount,
      storedAt: Math.floor(message.info.timestampNanos / 1e6),
      reply: (reply, options = {}) =>
        this.suite.send({
          pageId: event.pageId,
          psid: event.psid,
          message: typeof reply === 'string' ? { text: reply } : reply,
          idempotencyKey: options.idempotencyKey ?? replyKey(event.idempotencyKey, ++replies),
        }),
    };
  }

  /** Permission violations arrive asynchronously on the connection: make them visible. */
  private async watchErrors(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'error') this.options.logger.error('NATS error', { error: String(status.error) });
    }
  }
}

function credentials(options: ResolvedBotOptions): Partial<ConnectionOptions> {
  if (options.creds) return { authenticator: credsAuthenticator(new TextEncoder().encode(options.creds)) };
  if (options.token) return { token: options.token };
  return { user: options.user, pass: options.password };
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
