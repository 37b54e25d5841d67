import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { describeIssues } from './control-schemas.js';

/**
 * Stable codes of control API errors, so scripts can switch on them. (Graph paths answer Meta's
 * envelope instead; these are the emulator's own routes.)
 */
export const ControlErrorCode = {
  /** The body, query or a path parameter does not match its schema. */
  InvalidRequest: 'INVALID_REQUEST',
  /** A user message was asked for, but the emulator has no webhook URL or no app secret. */
  WebhookNotConfigured: 'WEBHOOK_NOT_CONFIGURED',
  /** The ingress answered the webhook with a non-2xx status (in `ingressStatus`). */
  IngressRefused: 'INGRESS_REFUSED',
  /** The ingress could not be reached (connection refused, DNS, reset). */
  IngressUnreachable: 'INGRESS_UNREACHABLE',
  /** The ingress did not answer in time. */
  IngressTimeout: 'INGRESS_TIMEOUT',
} as const;
export type ControlErrorCode = (typeof ControlErrorCode)[keyof typeof ControlErrorCode];

/** `{ error: { code, message, …facts } }`, the shape of every control API error with a code. */
export function controlError(code: ControlErrorCode, message: string, facts: Record<string, unknown> = {}) {
  return { error: { code, message, ...facts } };
}

/** Parses or answers 400 itself; returns undefined when it already replied. */
export function parseOr400<T>(schema: z.ZodType<T>, input: unknown, reply: FastifyReply): T | undefined {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  void reply.code(400).send(controlError(ControlErrorCode.InvalidRequest, describeIssues(parsed.error)));
  return undefined;
}
