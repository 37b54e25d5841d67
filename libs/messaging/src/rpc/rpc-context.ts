import type { NatsContext } from '@nestjs/microservices';
import { RPC_TIMEOUT_HEADER } from '@app/contracts';
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
  return headerOf(ctx, CORRELATION_HEADER);
}

/** How long the caller waits for the reply (RPC_TIMEOUT_HEADER); undefined when absent or not a positive whole number. */
export function callerTimeoutMsOf(ctx: NatsContext): number | undefined {
  const raw = headerOf(ctx, RPC_TIMEOUT_HEADER);
  return raw !== undefined && /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : undefined;
}

function headerOf(ctx: NatsContext, name: string): string | undefined {
  const headers = ctx.getHeaders() as { get?(key: string): string } | undefined;
  return headers?.get?.(name) || undefined;
}
