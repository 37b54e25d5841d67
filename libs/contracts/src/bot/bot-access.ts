/**
 * Names a bot's NATS plumbing is built from. They are part of the bot protocol: NATS permissions
 * are written against them (docs/access-control.md), so every client must use exactly these.
 */

/** The one durable pull consumer all replicas of a bot share (stream `<P>_BOTS`). */
export const botConsumerName = (appId: string): string => `bot-${appId}`;

/**
 * Reply subjects of a bot's requests and JetStream pulls start with this (instead of `_INBOX`),
 * so the server can let a bot read its own replies and nobody else's.
 */
export const botInboxPrefix = (appId: string): string => `_INBOX_${appId}`;

/** Events routed to an app while it is unsubscribed are kept here (stream `<P>_DEAD`) for replay. */
export const deadBotEventSubject = (appId: string): string => `dead.bot.${appId}`;
