/**
 * What the NATS server itself reports about a bot's deliveries (nats-server 2.9):
 * - `$JS.EVENT.METRIC.CONSUMER.ACK.<stream>.<consumer>`: an ack (the suite creates bot consumers
 *   with sample_freq 100%), with how many deliveries it took;
 * - `$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED.<stream>.<consumer>`: a nak;
 * - `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`: the server gave the event up.
 * Timeouts have no advisory: a delivery that was followed by another one without a nak timed out.
 */
export type SignalKind = 'ack' | 'nak' | 'max_deliveries';

export interface DeliverySignal {
  kind: SignalKind;
  appId: string;
  streamSeq: number;
  /** Which delivery this is about (1 = first). */
  deliveries: number;
}

const SUBJECTS: Record<SignalKind, string> = {
  ack: '$JS.EVENT.METRIC.CONSUMER.ACK',
  nak: '$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED',
  max_deliveries: '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES',
};

/** The subscriptions for every bot consumer of one BOTS stream. */
export const signalSubjects = (botsStream: string): string[] => Object.values(SUBJECTS).map((s) => `${s}.${botsStream}.*`);

/** Null for anything that is not about a bot consumer (`bot-<appId>`) of that stream. */
export function parseSignal(subject: string, body: unknown, botsStream: string): DeliverySignal | null {
  const kind = (Object.keys(SUBJECTS) as SignalKind[]).find((k) => subject.startsWith(`${SUBJECTS[k]}.${botsStream}.`));
  if (!kind) return null;
  const consumer = subject.slice(`${SUBJECTS[kind]}.${botsStream}.`.length);
  if (!consumer.startsWith('bot-')) return null;
  const b = (body ?? {}) as { stream_seq?: unknown; deliveries?: unknown };
  const streamSeq = Number(b.stream_seq);
  const deliveries = Number(b.deliveries);
  if (!Number.isInteger(streamSeq) || streamSeq <= 0 || !Number.isInteger(deliveries) || deliveries <= 0) return null;
  return { kind, appId: consumer.slice(4), streamSeq, deliveries };
}

/** Earlier deliveries that ended without a nak (or term) timed out. At most `cap` are looked at. */
export function timedOutDeliveries(upTo: number, explained: Set<number>, cap = 20): number[] {
  const out: number[] = [];
  for (let d = Math.max(1, upTo - cap + 1); d <= upTo; d++) if (!explained.has(d)) out.push(d);
  return out;
}
