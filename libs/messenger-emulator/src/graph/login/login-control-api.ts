import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { EmulatorState } from '../emulator-state.js';
import { controlError, ControlErrorCode } from '../server/control-replies.js';
import { describeIssues } from '../server/control-schemas.js';
import { fallbackTokenInfo } from './debug-token.endpoint.js';

export const loginUserSchema = z.strictObject({
  userId: z.string().min(1).optional(),
  pages: z.array(z.strictObject({ id: z.string().min(1), name: z.string().optional(), tasks: z.array(z.string()).optional() })),
  declinedScopes: z.array(z.string()).optional(),
  deny: z.boolean().optional(),
});
const tokenSchema = z.strictObject({ token: z.string().min(1) });
const tokenInfoSchema = z.strictObject({ token: z.string().min(1), isValid: z.boolean().optional(), scopes: z.array(z.string()).optional() });
const usageSchema = z
  .strictObject({
    type: z.string().optional(),
    call_count: z.number().nonnegative(),
    total_time: z.number().nonnegative(),
    total_cputime: z.number().nonnegative(),
    estimated_time_to_regain_access: z.number().nonnegative().optional(),
  })
  .nullable();

function parseOr400<T>(schema: z.ZodType<T>, input: unknown, reply: FastifyReply): { value: T } | undefined {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { value: parsed.data };
  void reply.code(400).send(controlError(ControlErrorCode.InvalidRequest, describeIssues(parsed.error)));
  return undefined;
}

/** Control routes for Facebook Login, tokens, webhook subscriptions and usage headers. */
export function registerLoginControlApi(app: FastifyInstance, state: EmulatorState, prefix: string): void {
  app.put(`${prefix}/login-user`, async (request, reply) => {
    const user = parseOr400(loginUserSchema, request.body ?? {}, reply);
    if (!user) return reply;
    state.login.setNextUser(user.value);
    return { loginUser: state.login.next };
  });
  app.post(`${prefix}/tokens/revoke`, async (request, reply) => {
    const body = parseOr400(tokenSchema, request.body ?? {}, reply);
    if (!body) return reply;
    state.login.revoke(body.value.token);
    return reply.code(204).send();
  });
  app.put(`${prefix}/tokens/info`, async (request, reply) => {
    const body = parseOr400(tokenInfoSchema, request.body ?? {}, reply);
    if (!body) return reply;
    const { token, ...override } = body.value;
    state.login.override(token, override, () => fallbackTokenInfo(state, token));
    return reply.code(204).send();
  });
  app.get(`${prefix}/subscriptions`, async () => ({ subscriptions: state.subscriptions.list() }));
  app.put<{ Params: { pageId: string } }>(`${prefix}/business-usage/:pageId`, async (request, reply) => {
    const usage = parseOr400(usageSchema, request.body ?? null, reply);
    if (!usage) return reply;
    state.usage.set(request.params.pageId, usage.value);
    return reply.code(204).send();
  });
}
