import { Logger } from '@nestjs/common';
import { AckPolicy, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { streamName } from '@app/contracts';
import { retryUntilStopped } from '@app/platform';
import type { z } from 'zod';
import { NatsConnectionService } from '../connection/nats-connection.service.js';
import { openAtAckFloor } from './ack-floor.js';
import { readContiguous } from './contiguous-read.js';
import { copyToDeadLetters } from './dead-letters.js';
import type { DeliveryMeta } from './durable-consumer.js';
import { deliveryMetaOf, jsonOrUndefined } from './received.js';

export interface BatchItem<T> {
  payload: T;
  meta: DeliveryMeta;
}

export interface BatchConsumerSpec<S extends z.ZodType> {
  stream: 'EVENTS' | 'BOTS';
  durable: string;
  /** Relative subject (prefix added here). */
  filterSubject: string;
  schema: S;
  /** The most messages unacknowledged at once, hence the largest batch. */
  maxBatch: number;
  /** A leader that vanished holding a batch: the next one gets it again after this long. */
  ackWaitMs: number;
  /**
   * How long the first message of a batch waits for others (unless the batch fills first). Work
   * that is not on anyone's critical path trades this latency for much larger batches: without
   * it a fast handler sees one or two messages at a time.
   */
  lingerMs?: number;
  /**
   * The valid messages of one batch, in stream order. Resolves once their effects are committed;
   * a rejection is retried (same batch, same order) until it succeeds or the consumer stops.
   * `deadLetter` sets one message aside for an operator (it can never succeed).
   */
  handle(batch: Array<BatchItem<z.infer<S>>>, deadLetter: (item: BatchItem<z.infer<S>>, reason: string) => Promise<void>): Promise<void>;
}

/**
 * One reader of a durable consumer with AckPolicy.All, for work that is cheapest in bulk: the
 * messages that arrive while a batch is being handled form the next batch, and one ack of a
 * batch's last message acknowledges all of it. JetStream hands a single reader the messages in
 * stream order, so "everything up to sequence N is handled" holds after each batch.
 *
 * Only ever ONE reader: an ack covers every earlier message, including any another reader still
 * held. Callers run it under a LeaderLease (one replica at a time). A redelivery of something
 * already queued is dropped (its batch's ack covers it); one already acknowledged is acked again.
 *
 * Because an ack covers everything before it, the reader must never ack past a message it did not
 * handle. Two ways that could happen, both closed here:
 * - a new reader (after a restart or a change of leader) would get the newest messages at once and
 *   the previous reader's unacknowledged ones only after the ack wait, so its first ack would
 *   cover them unhandled: a reader starts by putting the durable back at its ack floor;
 * - a delivery lost on the way (a NATS reconnect) would come back only after the ack wait, and
 *   the next batch's ack would cover it: the consumer's delivery sequence must grow by one per
 *   message, and on a jump the reader finishes what came before it and starts over at the floor.
 */
export class OrderedBatchConsumer<S extends z.ZodType> {
  private readonly logger: Logger;
  private readonly pending: JsMsg[] = [];
  private draining?: Promise<void>;
  private lastQueued = 0;
  private lastAcked = 0;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly spec: BatchConsumerSpec<S>,
  ) {
    this.logger = new Logger(`OrderedBatchConsumer ${spec.durable}`);
  }

  /** Reads until `stop` is aborted, then finishes the batch in hand (acked if it succeeds). */
  async run(stop: AbortSignal): Promise<void> {
    const stream = streamName(this.nats.options.prefix, this.spec.stream);
    while (!stop.aborted) {
      const lastDelivery = await this.startAtAckFloor(stream);
      let gap = false;
      try {
        gap = await readContiguous(this.nats, { stream, durable: this.spec.durable, maxMessages: this.spec.maxBatch, lastDelivery }, stop, (message) => this.enqueue(message, stop));
      } finally {
        await this.draining; // only messages from before a gap were queued: their acks are safe
      }
      if (gap) this.logger.warn({ durable: this.spec.durable, after: this.lastQueued }, 'a delivery went missing; reading again from the ack floor');
    }
  }

  private enqueue(message: JsMsg, stop: AbortSignal): void {
    const seq = message.seq;
    if (seq <= this.lastQueued) {
      if (seq <= this.lastAcked) this.nats.writes.defer(() => message.ack());
      return;
    }
    this.lastQueued = seq;
    this.pending.push(message);
    this.draining ??= this.drain(stop).finally(() => (this.draining = undefined));
  }

  private async drain(stop: AbortSignal): Promise<void> {
    while (this.pending.length > 0 && !stop.aborted) {
      await this.linger(stop);
      const batch = this.pending.splice(0, this.spec.maxBatch);
      const done = await this.handleUntilDone(batch, stop);
      // Stopped (also while the batch was being handled): the unacked rest is redelivered to the
      // next leader. A late ack is never sent: the next leader may have recreated the durable,
      // and this ack's sequences would move the new durable's ack floor (handlers are idempotent).
      if (!done || stop.aborted) return;
      const last = batch[batch.length - 1] as JsMsg;
      this.lastAcked = last.seq;
      this.nats.writes.defer(() => last.ack());
    }
  }

  private async linger(stop: AbortSignal): Promise<void> {
    const until = performance.now() + (this.spec.lingerMs ?? 0);
    while (this.pending.length < this.spec.maxBatch && !stop.aborted && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(5, until - performance.now())));
    }
  }

  /** Never rejects: a failure (database or NATS away) is retried with backoff, in order, until it passes or the consumer stops. */
  private async handleUntilDone(batch: JsMsg[], stop: AbortSignal): Promise<boolean> {
    const handled = await retryUntilStopped(
      stop,
      async () => {
        const items = await this.validItems(batch);
        await this.spec.handle(items, (item, reason) => this.deadLetter(item.meta, reason, batch));
        return true;
      },
      (error, delay) => this.logger.warn({ err: error, durable: this.spec.durable, from: batch[0]?.seq, to: batch.at(-1)?.seq, delay }, 'batch failed; retrying'),
    );
    return handled === true;
  }

  private async validItems(batch: JsMsg[]): Promise<Array<BatchItem<z.infer<S>>>> {
    const items: Array<BatchItem<z.infer<S>>> = [];
    for (const message of batch) {
      const meta = deliveryMetaOf(message);
      const parsed = this.spec.schema.safeParse(jsonOrUndefined(message));
      if (parsed.success) items.push({ payload: parsed.data, meta });
      else await this.deadLetter(meta, `invalid payload: ${parsed.error.message}`, batch);
    }
    return items;
  }

  /** Copies one message to the DEAD stream; throws if that fails, so the batch is retried rather than lost. */
  private async deadLetter(meta: DeliveryMeta, reason: string, batch: JsMsg[]): Promise<void> {
    const message = batch.find((m) => m.seq === meta.streamSeq);
    await copyToDeadLetters(this.nats, this.logger, this.spec.durable, meta, message?.string() ?? null, reason);
  }

  /** Repositions the durable at its ack floor (see openAtAckFloor), with fresh bookkeeping; returns the last delivery sequence. */
  private async startAtAckFloor(stream: string): Promise<number> {
    const { lastDelivery, ackFloor } = await openAtAckFloor(this.nats, stream, {
      durable_name: this.spec.durable,
      ack_policy: AckPolicy.All,
      filter_subject: this.nats.subject(this.spec.filterSubject),
      max_ack_pending: this.spec.maxBatch,
      ack_wait: nanos(this.spec.ackWaitMs),
      max_deliver: -1,
    });
    this.lastQueued = this.lastAcked = ackFloor;
    return lastDelivery;
  }
}
