import type { JsMsg } from '@nats-io/jetstream';
import type { DeliveryMeta } from './durable-consumer.js';
import { CORRELATION_HEADER } from './publish-headers.js';

/** What a handler learns about a delivery besides its payload. */
export function deliveryMetaOf(message: JsMsg): DeliveryMeta {
  return {
    subject: message.subject,
    streamSeq: message.seq,
    deliveryCount: message.info.deliveryCount,
    correlationId: message.headers?.get(CORRELATION_HEADER) || undefined,
  };
}

/** The payload as JSON, or undefined when it is not JSON (the schema check then rejects it). */
export function jsonOrUndefined(message: JsMsg): unknown {
  try {
    return message.json();
  } catch {
    return undefined;
  }
}
