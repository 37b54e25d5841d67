import { z } from 'zod';
import { appIdSchema, pageIdSchema, psidSchema } from '../ids.js';
import { messageTagSchema, messagingTypeSchema, outgoingMessageSchema, sendResultSchema } from '../messenger/send-message.js';
import { defineRpc } from '../rpc.js';

/**
 * A bot sends a message to the user of a thread. Only the thread owner may send; standard
 * messages only inside the 24-hour window (HUMAN_AGENT: 7 days, Page Inbox only).
 * `threadControl` passes or releases the thread with the message, as Conversation Routing allows.
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
        .object({ controlType: z.enum(['pass', 'release']), appId: appIdSchema.optional(), metadata: z.string().max(1000).optional() })
        .optional(),
    })
    .refine((r) => (r.messagingType === 'MESSAGE_TAG') === (r.tag !== undefined), {
      message: 'tag is required with messagingType MESSAGE_TAG and only then',
    }),
  response: sendResultSchema,
});
