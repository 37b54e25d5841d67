import { DeliverPolicy, type ConsumerConfig } from '@nats-io/jetstream';
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
