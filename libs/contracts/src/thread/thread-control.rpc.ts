import { z } from 'zod';
import { appIdSchema, pageIdSchema, psidSchema } from '../ids.js';
import { defineRpc } from '../rpc.js';
import { textSchema } from '../text.js';

/** Length is checked by the service, so an overlong value gets its own code (METADATA_TOO_LONG). */
const metadata = textSchema().optional();
const thread = { pageId: pageIdSchema, psid: psidSchema };
/** Meta answers thread-control calls with `{ "success": true }` (§2.5). */
export const successSchema = z.object({ success: z.literal(true) });

/** The owner hands the thread to another app (or the Page Inbox). Both apps get a handover event. */
export const PassThreadControl = defineRpc({
  operation: 'thread.pass',
  scope: 'bot',
  request: z.object({ ...thread, targetAppId: appIdSchema, metadata }),
  response: successSchema,
});

/** An app the Page allows to take (the Page Inbox and configured apps) takes the thread. */
export const TakeThreadControl = defineRpc({
  operation: 'thread.take',
  scope: 'bot',
  request: z.object({ ...thread, metadata }),
  response: successSchema,
});

/** A non-owner asks the owner to pass the thread; the owner gets `request_thread_control`. */
export const RequestThreadControl = defineRpc({
  operation: 'thread.request',
  scope: 'bot',
  request: z.object({ ...thread, metadata }),
  response: successSchema,
});

/** The owner gives the thread up: it becomes idle and follows the default owner / routing rules. */
export const ReleaseThreadControl = defineRpc({
  operation: 'thread.release',
  scope: 'bot',
  request: z.object({ ...thread, metadata }),
  response: successSchema,
});

/** Meta's `thread_owner` shape: `data` is empty while the thread is idle. */
export const GetThreadOwner = defineRpc({
  operation: 'thread.owner',
  scope: 'bot',
  request: z.object(thread),
  response: z.object({
    data: z.array(z.object({ thread_owner: z.object({ app_id: z.string(), expiration: z.number() }) })),
  }),
});

export const appRoleSchema = z.enum(['bot', 'inbox']);
export const ListPageApps = defineRpc({
  operation: 'page.apps',
  scope: 'bot',
  request: z.object({ pageId: pageIdSchema }),
  response: z.object({
    data: z.array(
      z.object({
        app_id: z.string(),
        role: appRoleSchema,
        can_take: z.boolean(),
        subscribed: z.boolean(),
        is_default_owner: z.boolean(),
      }),
    ),
  }),
});
