import { UNROUTABLE_WEBHOOK_SUBJECT, type UnroutableWebhook, type WebhookEventStored } from '@app/contracts';
import { canonicalJson, sha256Hex } from './event-id.js';
import { sealTokensDeep } from './secret-sealing.js';
import { parseWebhookBatch, type BatchContext } from './webhook-batch-parser.js';
import { checkWebhookBody } from './webhook-body.js';

/** Why a signed body (or part of it) could not become events. */
export type UnroutableReason = 'object' | 'schema' | 'no_events';

export interface UnroutablePublication {
  subject: typeof UNROUTABLE_WEBHOOK_SUBJECT;
  /** sha256 of the body's canonical JSON: Meta's redelivery of the same POST is stored once, however it is serialised. */
  msgID: string;
  reason: UnroutableReason;
  record: UnroutableWebhook;
}

/** Everything one POST must get into JetStream before we may answer 200. */
export interface WebhookPlan {
  events: WebhookEventStored[];
  unroutable?: UnroutablePublication;
}

/**
 * Decides what to store for a signed, parsed body. Nothing is dropped: what cannot be split
 * into events (another `object`, an unexpected shape, entries without messaging/standby) is
 * kept whole under the unroutable subject, its OTN tokens sealed like everywhere else.
 */
export function planWebhook(json: unknown, context: BatchContext): WebhookPlan {
  const body = checkWebhookBody(json);
  if (!body.success) return { events: [], unroutable: unroutable('schema', json, context) };
  if (body.data.object !== 'page') return { events: [], unroutable: unroutable('object', json, context) };
  const { events, entriesWithoutEvents } = parseWebhookBatch(body.data, context);
  // An empty `entry` list is also "nothing the suite understands": keep it, it is cheap.
  if (entriesWithoutEvents > 0 || events.length === 0) return { events, unroutable: unroutable('no_events', json, context) };
  return { events };
}

function unroutable(reason: UnroutableReason, json: unknown, context: BatchContext): UnroutablePublication {
  const object = (json as { object?: unknown } | null)?.object;
  return {
    subject: UNROUTABLE_WEBHOOK_SUBJECT,
    msgID: sha256Hex(canonicalJson(json)),
    reason,
    record: {
      reason,
      ...(typeof object === 'string' ? { object } : {}),
      receivedAt: context.receivedAt.toISOString(),
      body: sealTokensDeep(json, context.seal),
    },
  };
}

/**
 * The record as it can be stored: a body kept whole can outgrow what one NATS message may carry
 * (the server's max_payload, 1 MiB by default, next to a body limit of up to 64 MiB). Publishing
 * it would fail on every one of Meta's retries, until Meta turned the webhook off; instead the
 * body is left out and its size and hash (the message id) are kept.
 */
export function storableUnroutable(publication: UnroutablePublication, maxBytes: number): { record: UnroutableWebhook; omitted: boolean } {
  const bytes = Buffer.byteLength(JSON.stringify(publication.record));
  if (bytes <= maxBytes) return { record: publication.record, omitted: false };
  const { body: _omitted, ...rest } = publication.record;
  return { record: { ...rest, body: undefined, omitted: { bytes, sha256: publication.msgID } }, omitted: true };
}
