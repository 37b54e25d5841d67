import { appIdSchema, pageIdSchema } from '@app/contracts';
import { z } from 'zod';
import { ROLE_MISFIT, roleFits } from '../pages/page-app-list.js';
import { routingRuleSchema } from '../routing/routing-rules.js';

export const registerPageSchema = z.object({
  name: z.string().max(200).optional(),
  /** Required for a new Page; left out, a registered Page keeps its token. */
  accessToken: z.string().min(1).optional(),
  defaultOwnerAppId: appIdSchema.nullable().optional(),
  routingRules: z.array(routingRuleSchema).max(100).optional(),
  apps: z
    .array(z.object({ appId: appIdSchema, role: z.enum(['bot', 'inbox']).optional(), canTake: z.boolean().optional(), subscribed: z.boolean().optional() }))
    .max(50)
    .refine((apps) => new Set(apps.map((a) => a.appId)).size === apps.length, 'each app may be listed once')
    .refine((apps) => apps.every((a) => roleFits(a.appId, a.role)), { message: ROLE_MISFIT }),
});
export type RegisterPageDto = z.infer<typeof registerPageSchema>;

/** `PUT /pages/:pageId/apps/:appId`: what is left out keeps its value (a new app: bot, may not take, subscribed). */
export const pageAppSchema = z
  .strictObject({
    role: z.enum(['bot', 'inbox']).optional(),
    canTake: z.boolean().optional(),
    subscribed: z.boolean().optional(),
  })
  .default({});
export type PageAppDto = z.infer<typeof pageAppSchema>;

/** Operator actions name the app they act as (e.g. the Page Inbox when a human steps in). */
export const threadActionSchema = z.object({
  appId: appIdSchema,
  targetAppId: appIdSchema.optional(),
  metadata: z.string().optional(),
});
export type ThreadActionDto = z.infer<typeof threadActionSchema>;

export const subscriptionSchema = z.object({ subscribed: z.boolean() });
export const pageIdParam = pageIdSchema;
