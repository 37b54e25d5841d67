import { z } from 'zod';
import { appIdSchema, idempotencyKeySchema, pageIdSchema, psidSchema } from '../ids.js';
import { messageTagSchema, messagingTypeSchema, outgoingMessageSchema, sendResultSchema } from '../messenger/send-message.js';
import { defineRpc } from '../rpc.js';
import { textSchema } from '../text.js';

/**
 * A bot sends a message to the user of a thread. Only the thread owner may send; standard
 * messages only inside the 24-hour window (HUMAN_AGENT: 7 days, Page Inbox only).
 * `threadControl` passes or releases the thread with the message, as Conversation Routing allows.
 * `idempotencyKey` (per Page, user and calling app): a repeat of a send that went out answers with
 * the first send's result and sends nothing (no second message, no second pass or release), for
 * as long as the suite keeps sent messages (SENT_MESSAGE_RETENTION_MS, 7 days by default). A send
 * that failed keeps no key, so a repeat tries again. The SDK's `ctx.reply` sets one for you.
 */
export const SendMessage = defineRpc({
  operation: 'message.send',
  scope: 'bot',
  request: z
    .object({
      pageId: pageIdSchema,
      psid: psidSchema,
      message: outgoingMessageSchema,
      messagingType: messagingTypeSchema.default('RESPONSE'),
      tag: messageTagSchema.optional(),
      threadControl: z
        .object({ controlType: z.enum(['pass', 'release']), appId: appIdSchema.optional(), metadata: textSchema().optional() })
        .optional(),
      idempotencyKey: idempotencyKeySchema.optional(),
    })
    .refine((r) => (r.messagingType === 'MESSAGE_TAG') === (r.tag !== undefined), {
      message: 'tag is required with messagingType MESSAGE_TAG and only then',
    }),
  response: sendResultSchema,
});
