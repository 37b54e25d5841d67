import { pageIdSchema } from '@app/contracts';
import { z } from 'zod';
import { parsePageList } from './install-rules.js';
import { MAX_INVITE_TTL_MS } from './onboarding-invite.js';

/** `pages=1,2` (or a single `page_id=1`): which Pages to install; absent = every Page the user shares. */
const pageList = z.string().max(2000).optional();
const pageIds = z.array(pageIdSchema).max(100);

export const startQuerySchema = z
  .object({ page_id: pageList, pages: pageList, invite: z.string().max(200).optional() })
  .transform((query) => ({ pages: parsePageList(query.page_id, query.pages), invite: query.invite ?? '' }))
  .pipe(z.object({ pages: pageIds, invite: z.string() }));
export type StartQuery = z.infer<typeof startQuerySchema>;

/** `POST /onboarding/invites`: for which Pages (none: every Page the user shares) and how long. */
export const inviteRequestSchema = z.object({
  pages: pageIds.optional(),
  ttlMs: z.number().int().min(60_000).max(MAX_INVITE_TTL_MS).optional(),
});
export type InviteRequest = z.infer<typeof inviteRequestSchema>;

/** What Facebook sends back: `code` and `state`, or `error=access_denied` and the reason. */
export const callbackQuerySchema = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  error_reason: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
  // No `pages` here: the Pages are chosen at start, within the invite, and bound to the state.
});
export type CallbackQuery = z.infer<typeof callbackQuerySchema>;
