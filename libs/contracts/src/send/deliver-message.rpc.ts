import { z } from 'zod';
import { appIdSchema, pageIdSchema, psidSchema } from '../ids.js';
import { outgoingMessageSchema, sendResultSchema } from '../messenger/send-message.js';
import { defineRpc } from '../rpc.js';

/**
 * Internal: the one outbound path to the Send API (owned by thread-ownership, which holds the
 * Page tokens and the per-Page rate limit). Other services send through it on a bot's behalf.
 * - Without a token: a standard message; owner and 24-hour window rules apply.
 * - With `sealedOneTimeNotifToken`: a one-time notification (§3): recipient is the token, no tag,
 *   no window; refused only if another app actively owns the thread.
 * Graph failures come back as GRAPH_ERROR with `details: { code, error_subcode, is_transient }`.
 */
export const DeliverMessage = defineRpc({
  operation: 'message.deliver',
  scope: 'internal',
  request: z.object({
    appId: appIdSchema,
    pageId: pageIdSchema,
    psid: psidSchema,
    message: outgoingMessageSchema,
    sealedOneTimeNotifToken: z.string().optional(),
  }),
  response: sendResultSchema,
});
