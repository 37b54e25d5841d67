import { z } from 'zod';
import { eventKindSchema } from '../messenger/messaging-event.js';

/**
 * What a bot app receives, on the BOTS stream, subject `bot.<appId>.<channel>`:
 * - `messaging`: the app owns the thread (it may reply);
 * - `standby`: another app owns it (read-only; postback payloads removed, as Meta does);
 * - `handover`: a `messaging_handovers` event addressed to this app.
 * Delivery is at least once: handle `idempotencyKey` idempotently.
 */
export const BOT_CHANNELS = ['messaging', 'standby', 'handover'] as const;
export const botChannelSchema = z.enum(BOT_CHANNELS);
export type BotChannel = z.infer<typeof botChannelSchema>;

export const botEventSubject = (appId: string, channel: BotChannel): string => `bot.${appId}.${channel}`;
/** Everything for one app: its durable consumer filters on this. */
export const botEventsFilter = (appId: string): string => `bot.${appId}.>`;

export const botEventDeliveredSchema = z.object({
  idempotencyKey: z.string(),
  appId: z.string(),
  pageId: z.string(),
  psid: z.string(),
  channel: botChannelSchema,
  kind: eventKindSchema,
  timestamp: z.number(),
  /** The thread owner when the event was routed (null: idle). */
  ownerAppId: z.string().nullable(),
  /** Messenger-shaped event (`sender`, `recipient`, `timestamp`, `message` | `postback` | `pass_thread_control` …). */
  event: z.record(z.string(), z.unknown()),
  correlationId: z.string().optional(),
});
export type BotEventDelivered = z.infer<typeof botEventDeliveredSchema>;
