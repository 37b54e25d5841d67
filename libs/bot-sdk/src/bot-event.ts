import type { BotEventDelivered, OutgoingMessage, SendResult } from '@app/contracts';

/** What a handler receives: the delivered event plus what the bot can do about it. */
export interface BotContext {
  /** Stable across redeliveries: handle each key once. */
  idempotencyKey: string;
  /** How many times this event was delivered (1 = first time). */
  deliveryCount: number;
  /** When the suite stored the event for this bot (ms since the epoch): routing is done by then. */
  storedAt: number;
  /** Reply in this thread (only the owner may; see RpcError NOT_THREAD_OWNER). */
  reply(message: OutgoingMessage | string): Promise<SendResult>;
}

export type BotHandler = (event: BotEventDelivered, ctx: BotContext) => unknown | Promise<unknown>;
export type { BotEventDelivered };
