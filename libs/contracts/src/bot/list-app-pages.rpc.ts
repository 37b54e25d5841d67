import { z } from 'zod';
import { defineRpc } from '../rpc.js';
import { appRoleSchema } from '../thread/thread-control.rpc.js';

/** The calling app on one Page: the same fields as a `page.apps` entry, seen from the app's side. */
export const appPageSchema = z.object({
  page_id: z.string(),
  /** The Page's name as registered (null: none given). */
  name: z.string().nullable(),
  role: appRoleSchema,
  can_take: z.boolean(),
  /** false: the app gets no events from this Page and may not act there until resubscribed. */
  subscribed: z.boolean(),
  is_default_owner: z.boolean(),
});

/**
 * The Pages the calling app (the app id in the subject) is registered on. An app registered on
 * none receives nothing, silently: a typo in the app id, or a bot started before an operator
 * registered it. A bot asks once at start (the SDK does, and warns on an empty list). The request
 * is an empty object; `data: []` means registered on no Page.
 */
export const ListAppPages = defineRpc({
  operation: 'app.pages',
  scope: 'bot',
  request: z.object({}),
  response: z.object({ data: z.array(appPageSchema) }),
});
export type AppPage = z.infer<typeof appPageSchema>;
