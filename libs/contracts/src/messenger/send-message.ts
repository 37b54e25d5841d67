import { z } from 'zod';
import { METADATA_MAX_LENGTH } from '../ids.js';
import { containsNul, NO_NUL_MESSAGE } from '../text.js';

/** The `message` object of a Send API call (§5.1). Unknown fields pass through to Meta. */
export const outgoingMessageSchema = z
  .looseObject({
    text: z.string().min(1).max(2000).optional(),
    attachment: z.record(z.string(), z.unknown()).optional(),
    attachments: z.array(z.record(z.string(), z.unknown())).max(30).optional(),
    quick_replies: z
      .array(z.looseObject({ content_type: z.string(), title: z.string().max(20).optional(), payload: z.union([z.string(), z.number()]).optional() }))
      .max(13)
      .optional(),
    metadata: z.string().max(METADATA_MAX_LENGTH).optional(),
  })
  .refine((m) => m.text !== undefined || m.attachment !== undefined || m.attachments !== undefined, {
    message: 'a message needs text, attachment or attachments',
  })
  // Stored (retries, read models) as jsonb, which refuses NUL anywhere inside.
  .refine((m) => !containsNul(m), { message: `the message ${NO_NUL_MESSAGE}` });
export type OutgoingMessage = z.infer<typeof outgoingMessageSchema>;

export const messagingTypeSchema = z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);
/** Tags Meta still accepts after 27 Apr 2026 (§5.2); the others now fail with error 100. */
export const messageTagSchema = z.enum(['HUMAN_AGENT', 'CUSTOMER_FEEDBACK', 'NON_PROMOTIONAL_SUBSCRIPTION']);

/** Meta's Send API success shape. */
export const sendResultSchema = z.object({ recipient_id: z.string().optional(), message_id: z.string() });
export type SendResult = z.infer<typeof sendResultSchema>;
