import { classifyEvent, threadUserId, type WebhookBody, type WebhookEventStored } from '@app/contracts';
import { eventIdFor, keyedEventId } from './event-id.js';
import { sealOptinTokens, type SealSecret } from './secret-sealing.js';

/** What is the same for every event of one POST. */
export interface BatchContext {
  receivedAt: Date;
  /** The app whose webhook path received the batch; absent on the plain `/webhook`. */
  receivingAppId?: string;
  correlationId: string;
  seal: SealSecret;
  /** Keyed hash (TokenCipher.fingerprint), for the ids of events that carried a secret. */
  fingerprint: (data: string) => string;
}

export interface ParsedBatch {
  /** One envelope per messaging/standby event, in the order Meta sent them. */
  events: WebhookEventStored[];
  /** Entries that carried no messaging or standby event (e.g. feed `changes`): kept elsewhere. */
  entriesWithoutEvents: number;
}

type Entry = WebhookBody['entry'][number];
type Channel = WebhookEventStored['channel'];
const CHANNELS: readonly Channel[] = ['messaging', 'standby'];

/**
 * Splits a validated page webhook into stored-event envelopes: every entry, then `messaging[]`
 * before `standby[]`, each in array order. Pure: the clock and the cipher come in `context`.
 */
export function parseWebhookBatch(body: WebhookBody, context: BatchContext): ParsedBatch {
  const events: WebhookEventStored[] = [];
  const receivedAt = context.receivedAt.toISOString(); // once per batch, not per event
  let entriesWithoutEvents = 0;
  for (const entry of body.entry) {
    const before = events.length;
    for (const channel of CHANNELS) {
      for (const event of entry[channel] ?? []) events.push(toEnvelope(entry, channel, event, receivedAt, context));
    }
    if (events.length === before) entriesWithoutEvents++;
  }
  return { events, entriesWithoutEvents };
}

function toEnvelope(entry: Entry, channel: Channel, received: Record<string, unknown>, receivedAt: string, context: BatchContext): WebhookEventStored {
  const kind = classifyEvent(received);
  const { event, sealed } = sealOptinTokens(received, context.seal);
  const pageId = entry.id;
  return {
    // Hashed as received: the OTN token is what tells two otherwise identical opt-ins apart; with
    // the installation's key when the event held a secret (sealing returned a new object).
    eventId: event === received ? eventIdFor({ pageId, channel, kind, event: received }) : keyedEventId({ pageId, channel, kind, event: received }, context.fingerprint),
    pageId,
    psid: threadUserId(event, kind),
    channel,
    kind,
    timestamp: eventTimestamp(received, entry, context.receivedAt),
    receivedAt,
    ...(context.receivingAppId === undefined ? {} : { receivingAppId: context.receivingAppId }),
    event,
    ...(sealed ? { sealed } : {}),
    correlationId: context.correlationId,
  };
}

/** Meta's event time when it is there; an event without one still gets a usable order key. */
function eventTimestamp(event: Record<string, unknown>, entry: Entry, receivedAt: Date): number {
  if (typeof event.timestamp === 'number' && Number.isFinite(event.timestamp)) return event.timestamp;
  if (typeof entry.time === 'number' && Number.isFinite(entry.time)) return entry.time;
  return receivedAt.getTime();
}
