import { pageIdSchema } from '@app/contracts';
import { z } from 'zod';
import { parsePageList } from './install-rules.js';

/** `pages=1,2` (or a single `page_id=1`): which Pages to install; absent = every Page the user shares. */
const pageList = z.string().max(2000).optional();
const pageIds = z.array(pageIdSchema).max(100);

export const startQuerySchema = z
  .object({ page_id: pageList, pages: pageList })
  .transform((query) => parsePageList(query.page_id, query.pages))
  .pipe(pageIds);

/** What Facebook sends back: `code` and `state`, or `error=access_denied` and the reason. */
export const callbackQuerySchema = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  error_reason: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
  /** Overrides the Pages chosen at start. */
  pages: pageList.transform((value) => (value === undefined ? undefined : parsePageList(value))).pipe(pageIds.optional()),
});
export type CallbackQuery = z.infer<typeof callbackQuerySchema>;
