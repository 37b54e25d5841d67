import { Bot, type BotContext, type BotEventDelivered, type BotOptions } from '@app/bot-sdk';
import { waitFor } from './wait-for.js';

/**
 * A real bot (the SDK over the real NATS) that remembers everything it received, so tests can
 * wait for and assert on deliveries. An optional `onMessaging` lets a test script replies.
 */
export class RecordingBot {
  readonly events: BotEventDelivered[] = [];

  private constructor(readonly bot: Bot) {}

  static async start(options: BotOptions, onMessaging?: (event: BotEventDelivered, ctx: BotContext) => Promise<unknown>): Promise<RecordingBot> {
    const bot = await Bot.connect(options);
    const recorder = new RecordingBot(bot);
    const record = (event: BotEventDelivered) => void recorder.events.push(event);
    bot.onMessaging(async (event, ctx) => {
      record(event);
      await onMessaging?.(event, ctx);
    });
    bot.onStandby(record);
    bot.onHandover(record);
    await bot.start();
    return recorder;
  }

  get suite() {
    return this.bot.suite;
  }

  received(channel: BotEventDelivered['channel'], predicate: (e: BotEventDelivered) => boolean = () => true): BotEventDelivered[] {
    return this.events.filter((e) => e.channel === channel && predicate(e));
  }

  waitFor(channel: BotEventDelivered['channel'], predicate: (e: BotEventDelivered) => boolean, what: string, timeoutMs = 10_000) {
    return waitFor(() => this.received(channel, predicate)[0], `${this.bot.appId} to receive ${what} on ${channel}`, timeoutMs);
  }

  close(): Promise<void> {
    return this.bot.close();
  }
}

/** The text of a delivered user message. */
export const textOf = (e: BotEventDelivered): string | undefined => (e.event.message as { text?: string } | undefined)?.text;
