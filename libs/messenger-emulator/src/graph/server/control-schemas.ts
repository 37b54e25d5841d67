import { pageIdSchema, psidSchema } from '@app/contracts';
import { z } from 'zod';

/** Bodies of the `/_emulator/*` control API, validated so non-TS tools get clear 400s. */

export const faultMatchSchema = z.strictObject({
  method: z.string().min(1).optional(),
  pathIncludes: z.string().min(1).optional(),
  edge: z.string().min(1).optional(),
  pageId: z.string().min(1).optional(),
});

export const graphErrorSpecSchema = z.strictObject({
  status: z.number().int().min(400).max(599).optional(),
  code: z.number().int(),
  error_subcode: z.number().int().optional(),
  is_transient: z.boolean().optional(),
  message: z.string().optional(),
  type: z.string().optional(),
  error_user_title: z.string().optional(),
  error_user_msg: z.string().optional(),
});

export const addFaultSchema = z.strictObject({
  match: faultMatchSchema.default({}),
  error: graphErrorSpecSchema,
  times: z.number().int().positive().default(1),
});

export const latencySchema = z.strictObject({ ms: z.number().nonnegative().finite() });

export const otnTokenSchema = z.strictObject({
  token: z.string().min(1),
  pageId: z.string().min(1),
  psid: z.string().min(1).optional(),
  payload: z.string().optional(),
});

export const threadOwnerSchema = z.strictObject({ appId: z.string().min(1).nullable() });

export const callsQuerySchema = z.object({
  edge: z.string().optional(),
  pageId: z.string().optional(),
  method: z.string().optional(),
  pathIncludes: z.string().optional(),
});

export const userPsidParamsSchema = z.object({ psid: psidSchema });

/**
 * What a user sends through `POST /_emulator/users/:psid/messages`: a text (optionally as the tap
 * of a quick reply, whose title is the text) or the tap of a postback button.
 */
export const userMessageSchema = z
  .strictObject({
    pageId: pageIdSchema,
    text: z.string().min(1).optional(),
    quickReply: z.strictObject({ payload: z.string().min(1) }).optional(),
    postback: z.strictObject({ title: z.string().min(1), payload: z.string().min(1) }).optional(),
  })
  .refine((body) => (body.text === undefined) !== (body.postback === undefined), {
    message: 'give exactly one of text and postback',
  })
  .refine((body) => body.quickReply === undefined || body.text !== undefined, {
    message: 'a quick reply needs text (the title of the tapped button)',
    path: ['quickReply'],
  });
export type UserMessage = z.infer<typeof userMessageSchema>;

/** Turns a zod failure into one readable line. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}
