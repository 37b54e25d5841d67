import { z } from 'zod';
import { eventKindSchema } from '../messenger/messaging-event.js';

/**
 * A single webhook event, stored durably by the ingress in the EVENTS stream.
 * Subject: `events.webhook.<partition>`; the partition is a hash of the thread, so one thread's
 * events stay in one ordered partition. JetStream's message id is `eventId` (deduplication).
 */
export const WEBHOOK_EVENT_SUBJECT = 'events.webhook';
export const webhookEventSubject = (partition: number): string => `${WEBHOOK_EVENT_SUBJECT}.${partition}`;

/**
 * Number of partition subjects. A thread's events are always on the same one, so a reader can
 * take one partition's share of the stream in order. Routing reads all of them through one
 * reader that keeps each thread's events in order (ThreadOrderedConsumer); the subjects stay a
 * contract for readers that split the work by partition, and the ingress publishes to them.
 */
export const EVENT_PARTITIONS = 64;

/** FNV-1a, stable across processes and languages (documented in docs/bot-protocol.md). */
export function threadPartition(pageId: string, psid: string): number {
  let hash = 0x811c9dc5;
  const key = `${pageId}:${psid}`;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % EVENT_PARTITIONS;
}

export const webhookEventStoredSchema = z.object({
  /** Deduplication key: `<kind>:<mid>` when the event has a mid, else a hash of its content. */
  eventId: z.string().min(1),
  pageId: z.string(),
  /** The thread's user (PSID); '' for Page-level events such as `app_roles`. */
  psid: z.string(),
  /** Whether Meta delivered it to the suite's app on `messaging` or `standby`. */
  channel: z.enum(['messaging', 'standby']),
  kind: eventKindSchema,
  /** Event time from Meta (ms); falls back to the entry time or the receive time. */
  timestamp: z.number(),
  receivedAt: z.string(),
  /** The Meta app whose webhook received the batch (multi-app ingress); absent on the plain path. */
  receivingAppId: z.string().optional(),
  /** The messaging object as Meta sent it, minus the secrets moved to `sealed`. */
  event: z.record(z.string(), z.unknown()),
  /** Secrets taken out of the event, encrypted with the suite's key (never stored in clear). */
  sealed: z.object({ oneTimeNotifToken: z.string().optional() }).optional(),
  correlationId: z.string().optional(),
});
export type WebhookEventStored = z.infer<typeof webhookEventStoredSchema>;

/**
 * A validly signed body for another `object` (e.g. `instagram`) or of a shape the suite cannot
 * split into events: acknowledged, counted and kept here, never dropped.
 */
export const UNROUTABLE_WEBHOOK_SUBJECT = 'events.unroutable';
export const unroutableWebhookSchema = z.object({
  reason: z.string(),
  object: z.string().optional(),
  receivedAt: z.string(),
  /** Absent when the body was too large for one NATS message: then `omitted` says what it was. */
  body: z.unknown(),
  omitted: z.object({ bytes: z.number(), sha256: z.string() }).optional(),
});
export type UnroutableWebhook = z.infer<typeof unroutableWebhookSchema>;
