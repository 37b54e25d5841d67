import { InvalidArgumentError } from '@nats-io/nats-core';

export const CORRELATION_HEADER = 'x-correlation-id';
/** JetStream's deduplication header (what `js.publish`'s `msgID` option sets). */
export const MSG_ID_HEADER = 'Nats-Msg-Id';

const STATUS_LINE = 'NATS/1.0';

/** The one method `nc.publish` calls on its headers (MsgHdrsImpl has it; the MsgHdrs type does not say so). */
export interface EncodedHeaders {
  encode(): Uint8Array;
}


/**
 * The NATS header block of one publish (`NATS/1.0`, the correlation id, the dedupe id),
 * built as one string and encoded once (into a pooled Buffer). nats.js' `headers()` + `set()` validates the
 * key, searches the existing keys and keeps arrays per key, then `encode()` rebuilds the
 * string: several allocations per message on the webhook's hot path. `nc.publish` only ever
 * calls `encode()` on the headers it is given, so that is all this object offers (the spec
 * checks the bytes against nats.js' own encoding). Values are checked and trimmed as
 * nats.js does: a CR or LF would forge further headers.
 */
export function publishHeaders(msgID: string, correlationId?: string): EncodedHeaders {
  let block = STATUS_LINE;
  if (correlationId) block += `\r\n${CORRELATION_HEADER}: ${headerValue(correlationId)}`;
  if (msgID) block += `\r\n${MSG_ID_HEADER}: ${headerValue(msgID)}`;
  // No header at all encodes to nothing, as in nats.js (callers always give a msgID).
  const bytes = block === STATUS_LINE ? new Uint8Array(0) : Buffer.from(`${block}\r\n\r\n`);
  return { encode: () => bytes };
}

function headerValue(value: string): string {
  if (value.includes('\r') || value.includes('\n')) throw InvalidArgumentError.format('header', 'values cannot contain \\r or \\n');
  return value.trim();
}
