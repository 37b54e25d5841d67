import { z } from 'zod';
import { appIdSchema, pageIdSchema } from '../ids.js';
import { defineRpc } from '../rpc.js';

/**
 * Internal: is the app a subscribed participant of the Page? thread-ownership owns the registry;
 * notifications asks before it acts on a bot's behalf, so an app can neither learn nor change the
 * notification state of a Page it is not on. Refusals come back as UNKNOWN_PAGE, UNKNOWN_APP or
 * APP_UNSUBSCRIBED, the errors the same app would get from thread-ownership itself.
 */
export const CheckParticipant = defineRpc({
  operation: 'page.participant',
  scope: 'internal',
  request: z.object({ pageId: pageIdSchema, appId: appIdSchema }),
  response: z.object({ participant: z.literal(true) }),
});
