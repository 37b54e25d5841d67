import type { BotEventDelivered, OutgoingMessage, SendResult } from '@app/contracts';

/** What a handler receives: the delivered event plus what the bot can do about it. */
export interface BotContext {
  /** Stable across redeliveries: handle each key once. */
  idempotencyKey: string;
  /** How many times this event was delivered (1 = first time). */
  deliveryCount: number;
  /** When the suite stored the event for this bot (ms since the epoch): routing is done by then. */
  storedAt: number;
  /**
   * Reply in this thread (only the owner may; see RpcError NOT_THREAD_OWNER). Sent at most once
   * per event: each reply carries an idempotency key made from the event's key and the reply's
   * place among this delivery's replies (1st, 2nd, …), so when the event is delivered again the
   * replies that already went out are answered with their first result and not sent twice. Pass
   * `idempotencyKey` to choose the key yourself.
   */
  reply(message: OutgoingMessage | string, options?: { idempotencyKey?: string }): Promise<SendResult>;
}

export type BotHandler = (event: BotEventDelivered, ctx: BotContext) => unknown | Promise<unknown>;
export type { BotEventDelivered };
