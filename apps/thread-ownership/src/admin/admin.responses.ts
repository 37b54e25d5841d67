import { appIdSchema, pageIdSchema } from '@app/contracts';
import { z } from 'zod';
import { routingRuleSchema } from '../routing/routing-rules.js';

/**
 * What the Page routes answer (page-views.ts toPageResponse), for the API description. The apps
 * come in Meta's shape (`app_id`, `can_take` …), the same as the bots' `page.apps` call; a
 * registration sends them as `appId`, `canTake` …
 */
export const pageResponseSchema = z.object({
  id: pageIdSchema,
  name: z.string().nullable(),
  defaultOwnerAppId: appIdSchema.nullable(),
  routingRules: z.array(routingRuleSchema),
  tokenStatus: z.enum(['valid', 'needs_reauth']).describe('needs_reauth: Meta refused the token; nothing is sent for the Page until it is installed or registered again'),
  tokenCheckedAt: z.iso.datetime().nullable().describe('when the token was last confirmed with Meta'),
  apps: z.array(
    z.object({
      app_id: appIdSchema,
      role: z.enum(['bot', 'inbox']),
      can_take: z.boolean(),
      subscribed: z.boolean(),
      is_default_owner: z.boolean(),
    }),
  ),
});

export const pageListResponseSchema = z.object({
  data: z.array(z.object({ id: pageIdSchema, name: z.string().nullable(), defaultOwnerAppId: appIdSchema.nullable(), tokenStatus: z.enum(['valid', 'needs_reauth']) })),
});
