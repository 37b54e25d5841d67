import type { NatsContext } from '@nestjs/microservices';
import { CORRELATION_HEADER } from '../jetstream/jetstream-publisher.js';

/**
 * The app a bot-scoped request was made for: the subject is `<prefix>.rpc.<appId>.<operation…>`.
 * It comes from the subject, never from the payload, so NATS permissions on subjects decide who
 * may act as whom.
 */
export function callerAppId(ctx: NatsContext): string {
  return ctx.getSubject().split('.')[2] ?? '';
}

export function correlationIdOf(ctx: NatsContext): string | undefined {
  const headers = ctx.getHeaders() as { get?(key: string): string } | undefined;
  return headers?.get?.(CORRELATION_HEADER) || undefined;
}
