import { z } from 'zod';
import { pageIdSchema, psidSchema } from '../ids.js';
import { defineRpc } from '../rpc.js';

/**
 * "May a standard message be sent to this thread now, and until when?" — answered by the
 * notifications service, the one owner of the window. `minEventSeq` lets the caller say which
 * stored event it has already seen, so the answer is never older than the caller's knowledge.
 */
export const GetMessagingWindow = defineRpc({
  operation: 'window.status',
  scope: 'internal',
  request: z.object({ pageId: pageIdSchema, psid: psidSchema, minEventSeq: z.number().int().nonnegative().optional() }),
  response: z.object({
    open: z.boolean(),
    lastInteractionAt: z.string().nullable(),
    /** End of the standard 24-hour window (null: never opened). */
    standardUntil: z.string().nullable(),
    /** End of the 7-day HUMAN_AGENT allowance, from the user's last message (null: none yet). */
    humanAgentUntil: z.string().nullable(),
  }),
});
export type MessagingWindow = z.infer<typeof GetMessagingWindow.response>;
