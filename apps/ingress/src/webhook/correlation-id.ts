import { randomUUID } from 'node:crypto';

/** Accepted as-is from the caller; anything else (too long, odd characters) gets a fresh id. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The correlation id of one webhook POST: the caller's `X-Correlation-Id` when it is sane, else a new one. */
export function correlationIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID();
}
