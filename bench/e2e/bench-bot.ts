import { Bot, ErrorCode, RpcError, type BotEventDelivered } from '@app/bot-sdk';

/**
 * A benchmark bot, run as its own process (`node bench-bot.js <appId> <otherAppId> <servers>
 * <prefix> <concurrency>`), driven over IPC by the benchmark. Its handler only measures: latency =
 * handler time (Date.now()) − the event's `timestamp` (the due time the load generator put in the
 * webhook). Messages whose text ends in `|pass` are handed to the other bot (used once, to split
 * the threads between the two bots before measuring).
 */
interface Samples {
  latency: number[];
  /** Of the same samples: due time → stored for the bot (ingress, JetStream, routing). */
  routed: number[];
  /** Handler times (ms since epoch) of the same samples, for time series. */
  at: number[];
  standby: number;
  redelivered: number;
}

const [appId, otherAppId, servers, prefix, concurrency] = process.argv.slice(2);
const byTag = new Map<string, Samples>();
let passes = 0;

const samples = (tag: string): Samples => {
  let entry = byTag.get(tag);
  if (!entry) byTag.set(tag, (entry = { latency: [], routed: [], at: [], standby: 0, redelivered: 0 }));
  return entry;
};
const textOf = (event: BotEventDelivered) => String((event.event.message as { text?: unknown } | undefined)?.text ?? '');

const bot = await Bot.connect({ appId, servers, prefix, concurrency: Number(concurrency || 8) });
bot.onMessaging(async (event, ctx) => {
  const now = Date.now();
  const text = textOf(event);
  const entry = samples(text.split('|')[0]);
  if (ctx.deliveryCount > 1) {
    entry.redelivered++;
    return;
  }
  entry.latency.push(now - event.timestamp);
  entry.routed.push(ctx.storedAt - event.timestamp);
  entry.at.push(now);
  if (text.endsWith('|pass')) {
    await bot.suite.passThreadControl({ pageId: event.pageId, psid: event.psid, targetAppId: otherAppId }).catch((error: unknown) => {
      if (!(error instanceof RpcError && error.code === ErrorCode.NotThreadOwner)) throw error;
    });
    passes++;
  }
});
bot.onStandby(async (event) => {
  samples(textOf(event).split('|')[0]).standby++;
});
await bot.start();

process.on('message', (message: { type: string; tag?: string }) => {
  const entry = message.tag === undefined ? undefined : byTag.get(message.tag);
  if (message.type === 'count') {
    process.send!({ type: 'count', tag: message.tag, messaging: entry?.latency.length ?? 0, standby: entry?.standby ?? 0, passes });
  } else if (message.type === 'take') {
    if (message.tag !== undefined) byTag.delete(message.tag);
    process.send!({ type: 'taken', tag: message.tag, latency: entry?.latency ?? [], routed: entry?.routed ?? [], at: entry?.at ?? [], standby: entry?.standby ?? 0, redelivered: entry?.redelivered ?? 0 });
  } else if (message.type === 'stop') {
    void bot.close().finally(() => process.exit(0));
  }
});
process.send!({ type: 'ready' });
