import { z } from 'zod';
import { idempotencyKeySchema, pageIdSchema, psidSchema } from '../ids.js';
import { textSchema } from '../text.js';
import { outgoingMessageSchema, sendResultSchema } from '../messenger/send-message.js';
import { defineRpc } from '../rpc.js';

/** Meta limits the `one_time_notif_req` title to 65 characters (§3). */
export const OTN_TITLE_MAX_LENGTH = 65;
/** The topic travels as the template payload; its limit is unconfirmed, so we keep well under 1000. */
export const topicSchema = textSchema().pipe(z.string().min(1).max(200).regex(/^[^\s].*$/, 'topic must not start with a space'));

/** Ask the user for permission to send one message on `topic` later (sends the OTN template). */
export const RequestNotification = defineRpc({
  operation: 'notification.request',
  scope: 'bot',
  request: z.object({ pageId: pageIdSchema, psid: psidSchema, topic: topicSchema, title: textSchema().pipe(z.string().min(1)) }),
  response: z.object({ requestId: z.string(), message_id: z.string() }),
});

/**
 * Send the one message the user agreed to on `topic`, using (and spending) one token.
 * The token itself never leaves the notifications service.
 * `idempotencyKey` (per Page and calling app): a repeat with the same key (a retry after a
 * timeout, on any replica, even concurrent) answers with the first request's outcome and never
 * spends another token.
 */
export const SendNotification = defineRpc({
  operation: 'notification.send',
  scope: 'bot',
  request: z.object({
    pageId: pageIdSchema,
    psid: psidSchema,
    topic: topicSchema,
    message: outgoingMessageSchema,
    idempotencyKey: idempotencyKeySchema.optional(),
  }),
  response: sendResultSchema,
});
export type SendNotificationRequest = z.infer<typeof SendNotification.request>;
