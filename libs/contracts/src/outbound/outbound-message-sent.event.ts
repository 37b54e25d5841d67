import { z } from 'zod';

/**
 * A fact published by thread-ownership after Meta accepted a Send API call, on the EVENTS
 * stream (subject `events.outbound.sent`, JetStream message id `outbound:<messageId>`).
 * For read models such as the operator console: nothing routes it and no bot receives it.
 * Best effort: a send that Meta accepted is never failed because this could not be published.
 */
export const OUTBOUND_SENT_SUBJECT = 'events.outbound.sent';

export const outboundMessageSentSchema = z.object({
  /** Meta's `message_id` of the send (the `mid` its echo will carry). */
  messageId: z.string().min(1),
  /** The app that sent it (a bot or the Page Inbox). */
  appId: z.string(),
  pageId: z.string(),
  psid: z.string(),
  sentAt: z.string(),
  messagingType: z.string().optional(),
  tag: z.string().optional(),
  /** Sent with a one-time notification token (the token itself is never included). */
  oneTimeNotification: z.boolean(),
  /** The Send API `message` object as sent. */
  message: z.record(z.string(), z.unknown()),
  correlationId: z.string().optional(),
});
export type OutboundMessageSent = z.infer<typeof outboundMessageSentSchema>;
