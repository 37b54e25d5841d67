import { Bot, ErrorCode, RpcError, type BotContext, type BotEventDelivered } from '@app/bot-sdk';

/** One delivery as a bot saw it. */
export interface Delivery {
  appId: string;
  key: string;
  channel: BotEventDelivered['channel'];
  kind: string;
  psid: string;
  /** The message id of a user message (what the load generator sent), if any. */
  mid?: string;
  ownerAppId: string | null;
  deliveryCount: number;
  at: number;
}

/** Answers that mean "this thread moved on": the bot's action is moot, not to be retried. */
const SETTLED = new Set<string>([ErrorCode.NotThreadOwner]);

export const midOf = (event: BotEventDelivered): string | undefined => {
  const mid = (event.event.message as { mid?: unknown } | undefined)?.mid;
  return typeof mid === 'string' ? mid : undefined;
};
const textOf = (event: BotEventDelivered): string => String((event.event.message as { text?: unknown } | undefined)?.text ?? '');

/**
 * A bot of the fault runs: records every delivery (idempotency key, channel, psid, mid, owner);
 * on `messaging` it replies to the user with `ctx.reply` (`re: <mid>`; every message or one in `replyEvery`), or,
 * for a message saying `pass`, passes
 * the thread to the other bot, so ownership keeps moving under load. Any failure but "not the
 * owner any more" throws, so the SDK redelivers the event (at least once, same key). It handles
 * each key once: a redelivery after a success is only recorded.
 */
export class FaultBot {
  readonly deliveries: Delivery[] = [];
  /** Keys whose handling finished (replied, passed, or moot). */
  readonly done = new Set<string>();
  /** Successful replies per mid (>1 would be a duplicate send by the bot). */
  readonly replies = new Map<string, number>();
  passes = 0;
  failures = 0;
  /** Failures by error code (e.g. UNAVAILABLE while a service restarts). */
  lastError?: string;
  readonly failureCodes = new Map<string, number>();

  private constructor(
    readonly bot: Bot,
    private readonly otherAppId: string,
    private readonly replyEvery: number,
  ) {}

  /**
   * `replyEvery`: reply to one message in n (by the number in its text, `hello <n>`), so the send
   * path (thread lock, window check, Graph) is exercised without doubling the load. 1: all.
   */
  static async start(options: { appId: string; otherAppId: string; servers: string; prefix: string; replyEvery?: number }): Promise<FaultBot> {
    const bot = await Bot.connect({
      appId: options.appId,
      servers: options.servers,
      prefix: options.prefix,
      concurrency: 16,
      requestTimeoutMs: 5000,
      ackWaitMs: 10_000,
      maxDeliver: 10_000,
    });
    const fault = new FaultBot(bot, options.otherAppId, options.replyEvery ?? 1);
    bot.onMessaging((event, ctx) => fault.onMessaging(event, ctx));
    bot.onStandby(async (event, ctx) => void fault.record(event, ctx.deliveryCount));
    bot.onHandover(async (event, ctx) => void fault.record(event, ctx.deliveryCount));
    await bot.start();
    return fault;
  }

  get appId(): string {
    return this.bot.appId;
  }

  private record(event: BotEventDelivered, deliveryCount: number): void {
    this.deliveries.push({
      appId: this.appId,
      key: event.idempotencyKey,
      channel: event.channel,
      kind: event.kind,
      psid: event.psid,
      mid: midOf(event),
      ownerAppId: event.ownerAppId,
      deliveryCount,
      at: Date.now(),
    });
  }

  private async onMessaging(event: BotEventDelivered, ctx: BotContext): Promise<void> {
    this.record(event, ctx.deliveryCount);
    if (this.done.has(event.idempotencyKey) || event.kind !== 'message') {
      this.done.add(event.idempotencyKey);
      return;
    }
    const mid = midOf(event) ?? event.idempotencyKey;
    try {
      const [verb, n] = textOf(event).split(' ');
      if (verb === 'pass') {
        await this.bot.suite.passThreadControl({ pageId: event.pageId, psid: event.psid, targetAppId: this.otherAppId, metadata: `pass on ${mid}` });
        this.passes++;
      } else if (Number(n) % this.replyEvery === 0) {
        await ctx.reply(`re: ${mid}`); // keyed by the SDK: a retry after a lost answer is not sent twice
        this.replies.set(mid, (this.replies.get(mid) ?? 0) + 1);
      }
    } catch (error) {
      if (!(error instanceof RpcError && SETTLED.has(error.code))) {
        this.failures++;
        const code = error instanceof RpcError ? error.code : (error as Error).name;
        this.failureCodes.set(code, (this.failureCodes.get(code) ?? 0) + 1);
        this.lastError = `${code}: ${(error as Error).message}`;
        throw error; // nak: the SDK redelivers with backoff
      }
    }
    this.done.add(event.idempotencyKey);
  }

  close(): Promise<void> {
    return this.bot.close();
  }
}
