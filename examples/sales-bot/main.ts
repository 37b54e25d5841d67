import { Bot, ErrorCode, PAGE_INBOX_APP_ID, RpcError } from '@app/bot-sdk';

/**
 * Example 1 — a sales bot. Owns new conversations (the Page's default app), answers product
 * questions, offers a back-in-stock one-time notification, and passes anything about an order
 * to the support bot. Run: `node dist/examples/sales-bot/main.js` (after `npm run build`).
 * It reads NATS_URL (default nats://127.0.0.1:4222), NATS_PREFIX (default mho; the demo's is demo),
 * BOT_APP_ID (default sales-bot), and BOT_NATS_USER / BOT_NATS_PASSWORD where NATS requires a user
 * (docs/access-control.md). Next to `npm start`: `NATS_PREFIX=demo node dist/examples/sales-bot/main.js`.
 */
const bot = await Bot.connect({
  appId: process.env.BOT_APP_ID ?? 'sales-bot',
  servers: process.env.NATS_URL,
  prefix: process.env.NATS_PREFIX,
  user: process.env.BOT_NATS_USER,
  password: process.env.BOT_NATS_PASSWORD,
});
const log = (line: string) => console.log(`[${bot.appId}] ${line}`);

bot.onMessaging(async (event, ctx) => {
  if (event.kind !== 'message') return; // opt-ins, postbacks … have their own handlers or are not ours
  const text = (event.event.message as { text?: string } | undefined)?.text ?? '';
  log(`messaging from ${event.psid}: ${JSON.stringify(text)}`);
  if (/order|refund|broken/i.test(text)) {
    await ctx.reply('Let me hand you to our support team.');
    await bot.suite.passThreadControl({ pageId: event.pageId, psid: event.psid, targetAppId: 'support-bot', metadata: `customer wrote: ${text.slice(0, 200)}` });
    log(`passed ${event.psid} to support-bot`);
  } else if (/back in stock|notify/i.test(text)) {
    await bot.suite.requestNotification({ pageId: event.pageId, psid: event.psid, topic: 'back-in-stock', title: 'Tell me when it is back in stock' });
    log(`asked ${event.psid} for a one-time notification on back-in-stock`);
  } else if (text) {
    await ctx.reply(`Sales here! You said: ${text}`);
  }
});

bot.onOptin(async (event) => {
  log(`${event.psid} agreed to a notification (${JSON.stringify(event.event.optin)})`);
});

bot.onStandby((event) => log(`standby (${event.kind}) for ${event.psid}, owner ${event.ownerAppId ?? 'none'}`));

// app_roles is about the Page, not a conversation: it comes without a PSID.
bot.onHandover((event) => log(`handover ${event.kind} for ${event.psid || `Page ${event.pageId}`}: ${JSON.stringify(event.event[event.kind])}`));

/** Operators can trigger the restock notification: `kill -USR2 <pid>` notifies every subscriber we know. */
const subscribers = new Set<string>();
bot.onOptin((event) => void subscribers.add(`${event.pageId}:${event.psid}`));
process.on('SIGUSR2', () => {
  for (const key of subscribers) {
    const [pageId, psid] = key.split(':') as [string, string];
    bot.suite
      .notify({ pageId, psid, topic: 'back-in-stock', message: { text: 'It is back in stock!' } })
      .then(() => log(`notified ${psid}`))
      .catch((error: unknown) => log(`notify ${psid} failed: ${error instanceof RpcError ? error.code : String(error)}`));
  }
});

await bot.start();
log(`listening (Page Inbox app id ${PAGE_INBOX_APP_ID}; errors arrive as RpcError, e.g. ${ErrorCode.NotThreadOwner})`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void bot.close().then(() => process.exit(0)));
// Stopped by itself (connection closed for good): exit, so the supervisor starts the bot again.
void bot.stopped.then((reason) => reason && process.exit(1));
