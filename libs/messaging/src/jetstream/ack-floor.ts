import { DeliverPolicy, type ConsumerConfig, type JetStreamManager, type MsgRequest } from '@nats-io/jetstream';
import type { NatsConnectionService } from '../connection/nats-connection.service.js';
import { consumerInfoOrNull } from './consumer-info.js';

/** Where a single reader stands after `openAtAckFloor`: its bookkeeping starts from here. */
export interface ReaderStart {
  /** The consumer's delivery sequence of the last delivery so far (0: numbering starts afresh). */
  lastDelivery: number;
  /** Every message up to this stream sequence is acknowledged. */
  ackFloor: number;
}

/**
 * Makes a single reader's durable deliver next the first message not yet acknowledged. A
 * durable with nothing unacknowledged already does; otherwise it is created again from its ack
 * floor (JetStream 2.9 cannot move a durable's position), so the messages an earlier reader held
 * come first rather than after the ack wait. `config` has everything but the start position;
 * `firstStartSeq` places a durable that does not exist yet (undefined: the stream's beginning).
 */
export async function openAtAckFloor(nats: NatsConnectionService, stream: string, config: Partial<ConsumerConfig> & { durable_name: string }, firstStartSeq?: () => Promise<number | undefined>): Promise<ReaderStart> {
  // Only a durable that does not exist is created from the start: an info that failed (NATS
  // away) must not pass for one, or the earlier reader's unacked messages would be skipped.
  const info = await consumerInfoOrNull(nats.jsm, stream, config.durable_name);
  if (info && info.num_ack_pending === 0) {
    await ensureConsumer(nats, stream, config);
    return { lastDelivery: info.delivered.consumer_seq, ackFloor: info.ack_floor.stream_seq };
  }
  const startSeq = info ? info.ack_floor.stream_seq + 1 : await firstStartSeq?.();
  if (info) await nats.jsm.consumers.delete(stream, config.durable_name);
  // A crash right here (durable deleted, not yet created) would make the next start read the
  // stream from its beginning: slow, but handlers are idempotent (they must be for redeliveries).
  await ensureConsumer(nats, stream, config, startSeq);
  return { lastDelivery: 0, ackFloor: (startSeq ?? 1) - 1 };
}

async function ensureConsumer(nats: NatsConnectionService, stream: string, config: Partial<ConsumerConfig> & { durable_name: string }, startSeq?: number): Promise<void> {
  const placed: Partial<ConsumerConfig> = {
    ...config,
    ...(startSeq === undefined ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }),
  };
  await nats.jsm.consumers.add(stream, placed).catch(async () => {
    const { deliver_policy: _policy, opt_start_seq: _start, ...changeable } = placed;
    await nats.jsm.consumers.update(stream, config.durable_name, changeable);
  });
}

/**
 * For a reader that replaces several durables (e.g. one per partition): the first stream
 * sequence one of them has not acknowledged, or undefined when none of them exists. Durables
 * with nothing outstanding do not hold it back; the stream's last sequence is read before them,
 * so a message stored while they are read is never before the answer.
 */
export async function firstUnackedAcross(jsm: JetStreamManager, stream: string, replaced: RegExp): Promise<number | undefined> {
  const lastSeq = (await jsm.streams.info(stream)).state.last_seq;
  let start: number | undefined;
  for await (const info of jsm.consumers.list(stream)) {
    if (!replaced.test(info.name)) continue;
    start ??= lastSeq + 1;
    if (info.num_pending === 0 && info.num_ack_pending === 0) continue;
    const first = await firstOfSubjectAfter(jsm, stream, info.config.filter_subject ?? '>', info.ack_floor.stream_seq);
    if (first !== undefined) start = Math.min(start, first);
  }
  return start;
}

/**
 * The first message on `subject` after `seq`. A durable's ack floor is a stream sequence: a
 * filtered durable that acknowledged nothing yet has floor 0, and its first unacknowledged
 * message may be far after it. (`next_by_subj` is in the server's MSG.GET since 2.9, though
 * nats.js types it for direct gets only.)
 */
async function firstOfSubjectAfter(jsm: JetStreamManager, stream: string, subject: string, seq: number): Promise<number | undefined> {
  const query = { seq: seq + 1, next_by_subj: subject } as unknown as MsgRequest;
  return (await jsm.streams.getMessage(stream, query))?.seq;
}
