import { createHash } from 'node:crypto';

/**
 * The idempotency key of the `ordinal`-th reply (1-based) sent while handling one event: the same
 * on every delivery of that event, so a redelivered event's replies are answered with the
 * messages that already went out instead of reaching the user twice. Hashed because event keys
 * carry Meta's message ids, which can outgrow the 128 characters a key may have.
 */
export function replyKey(eventIdempotencyKey: string, ordinal: number): string {
  return `reply.${createHash('sha256').update(`${eventIdempotencyKey}\n${ordinal}`).digest('base64url')}`;
}
