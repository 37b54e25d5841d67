import { Bot, PAGE_INBOX_APP_ID } from '@app/bot-sdk';

/**
 * Example 2 — a human-handoff support bot. Receives conversations passed by the sales bot, tries
 * to help, and hands the thread to the Page Inbox (human agents) when the user asks for a person.
 * When the agents are done, Meta passes the thread back and the bots resume.
 * Run: `node dist/examples/support-bot/main.js` (after `npm run build`). It reads NATS_URL (default
 * nats://127.0.0.1:4222), NATS_PREFIX (default mho; the demo's is demo), BOT_APP_ID (default
 * support-bot), and BOT_NATS_USER / BOT_NATS_PASSWORD where NATS requires a user
 * (docs/access-control.md). Next to `npm start`: `NATS_PREFIX=demo node dist/examples/support-bot/main.js`.
 */
const bot = await Bot.connect({
  appId: process.env.BOT_APP_ID ?? 'support-bot',
  servers: process.env.NATS_URL,
  prefix: process.env.NATS_PREFIX,
  user: process.env.BOT_NATS_USER,
  password: process.env.BOT_NATS_PASSWORD,
});
const log = (line: string) => console.log(`[${bot.appId}] ${line}`);

bot.onHandover(async (event) => {
  log(`handover ${event.kind} for ${event.psid || `Page ${event.pageId}`}: ${JSON.stringify(event.event[event.kind])}`);
  const body = event.event.pass_thread_control as { new_owner_app_id?: string; metadata?: string } | undefined;
  if (event.kind === 'pass_thread_control' && body?.new_owner_app_id === bot.appId) {
    await bot.suite.send({ pageId: event.pageId, psid: event.psid, message: { text: 'Support here. How can I help with your order?' } });
  }
});

bot.onMessaging(async (event, ctx) => {
  if (event.kind !== 'message') return;
  const text = (event.event.message as { text?: string } | undefined)?.text ?? '';
  log(`messaging from ${event.psid}: ${JSON.stringify(text)}`);
  if (/human|agent|person/i.test(text)) {
    await ctx.reply('Connecting you with a person from our team.');
    await bot.suite.passThreadControl({ pageId: event.pageId, psid: event.psid, targetAppId: PAGE_INBOX_APP_ID, metadata: 'user asked for a human' });
    log(`passed ${event.psid} to the Page Inbox`);
  } else if (text) {
    await ctx.reply(`Support here: I have noted "${text}". Type "human" to talk to a person.`);
  }
});

bot.onStandby((event) => log(`standby (${event.kind}) for ${event.psid}, owner ${event.ownerAppId ?? 'none'}`));

await bot.start();
log('listening');
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void bot.close().then(() => process.exit(0)));
// Stopped by itself (connection closed for good): exit, so the supervisor starts the bot again.
void bot.stopped.then((reason) => reason && process.exit(1));
