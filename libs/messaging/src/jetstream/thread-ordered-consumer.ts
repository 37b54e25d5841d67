import { Logger } from '@nestjs/common';
import { AckPolicy, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { ErrorCode, streamName } from '@app/contracts';
import { DomainError, retryUntilStopped } from '@app/platform';
import type { z } from 'zod';
import { NatsConnectionService } from '../connection/nats-connection.service.js';
import { openAtAckFloor } from './ack-floor.js';
import { readContiguous } from './contiguous-read.js';
import { copyToDeadLetters } from './dead-letters.js';
import type { DeliveryMeta } from './durable-consumer.js';
import { deliveryMetaOf, jsonOrUndefined } from './received.js';

export interface ThreadOrderedSpec<S extends z.ZodType> {
  stream: 'EVENTS' | 'BOTS';
  durable: string;
  /** Relative subject (prefix added here). */
  filterSubject: string;
  schema: S;
  /** Messages with the same key are handled one after another, in stream order. */
  keyOf(payload: z.infer<S>): string;
  /** Messages in hand at once (running or waiting behind their key's earlier ones). */
  maxAckPending: number;
  /** Handlers running at once. */
  concurrency: number;
  /** A reader that vanished holding a message: the next one gets it again after this long. */
  ackWaitMs: number;
  /** Resolves once the message's effects are committed; a rejection is retried in place. */
  handle(payload: z.infer<S>, meta: DeliveryMeta): Promise<void>;
  /** For a first start without a durable: the stream sequence to begin at (undefined: the beginning). */
  firstStartSeq?(): Promise<number | undefined>;
  /** After each (re)positioning of the durable, before reading: e.g. removing what it replaces. */
  opened?(): Promise<void>;
}

interface Held {
  message: JsMsg;
  payload: unknown;
  running: boolean;
}

type Outcome = 'handled' | 'dead' | 'stopped';

/**
 * One reader of a durable consumer that keeps each key's messages (a thread's events) in stream
 * order while different keys proceed side by side: one consumer for all partitions, where a
 * consumer per partition with one message in flight cost nats-server a consumer to wake for
 * every stored message and held every event behind its partition's previous one.
 *
 * Only ever ONE reader: two readers of one durable would split a key's messages between them.
 * Callers run it under a LeaderLease. Order holds because:
 * - a failed handler is retried in place (with backoff) before its key's next message starts;
 * - messages waiting for their turn, or retried, are kept in hand (`working`) so they are not
 *   redelivered behind later ones;
 * - a new reader starts at the durable's ack floor (see openAtAckFloor), so what an earlier
 *   reader held comes first; messages above the floor that were already handled come again
 *   (handlers are idempotent, as they must be for any redelivery);
 * - a delivery lost on the way (a NATS reconnect) would come back only after the ack wait,
 *   behind its key's later messages: on a jump of the delivery sequence the reader finishes what
 *   it holds and starts over at the floor.
 */
export class ThreadOrderedConsumer<S extends z.ZodType> {
  private readonly logger: Logger;
  /** Per key, the messages in hand in stream order; the first one runs (or waits for a slot). */
  private readonly byKey = new Map<string, Held[]>();
  /** Keys whose first message waits for a free slot, oldest first. */
  private readonly ready: string[] = [];
  private readonly inHand = new Set<number>();
  private running = 0;
  private idle?: () => void;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly spec: ThreadOrderedSpec<S>,
  ) {
    this.logger = new Logger(`ThreadOrderedConsumer ${spec.durable}`);
  }

  /** Reads until `stop` is aborted; messages being handled then finish (and are acked). */
  async run(stop: AbortSignal): Promise<void> {
    const stream = streamName(this.nats.options.prefix, this.spec.stream);
    const keepInHand = setInterval(() => this.keepInHand(), Math.max(250, Math.floor(this.spec.ackWaitMs / 3)));
    try {
      while (!stop.aborted) {
        const lastDelivery = await this.startAtAckFloor(stream);
        const read = { stream, durable: this.spec.durable, maxMessages: this.spec.maxAckPending, lastDelivery };
        const gap = await readContiguous(this.nats, read, stop, (message) => this.receive(message, stop));
        this.dropWaiting(); // not started: the next reader gets them from the ack floor
        await this.settled();
        if (gap) this.logger.warn({ durable: this.spec.durable }, 'a delivery went missing; reading again from the ack floor');
      }
    } finally {
      // Also when reading failed: no handler of this reader may still run once the next one starts.
      this.dropWaiting();
      await this.settled();
      clearInterval(keepInHand);
    }
  }

  /** Returns the last delivery sequence (see openAtAckFloor). */
  private async startAtAckFloor(stream: string): Promise<number> {
    const { lastDelivery } = await openAtAckFloor(
      this.nats,
      stream,
      {
        durable_name: this.spec.durable,
        ack_policy: AckPolicy.Explicit,
        filter_subject: this.nats.subject(this.spec.filterSubject),
        max_ack_pending: this.spec.maxAckPending,
        ack_wait: nanos(this.spec.ackWaitMs),
        max_deliver: -1,
      },
      async () => this.spec.firstStartSeq?.(),
    );
    await this.spec.opened?.();
    return lastDelivery;
  }

  private receive(message: JsMsg, stop: AbortSignal): void {
    if (this.inHand.has(message.seq)) return; // the ack wait ran out while it was in hand: it still is
    const parsed = this.spec.schema.safeParse(jsonOrUndefined(message));
    if (!parsed.success) {
      void this.deadLetter(message, `invalid payload: ${parsed.error.message}`);
      return;
    }
    const key = this.spec.keyOf(parsed.data);
    const queue = this.byKey.get(key);
    this.inHand.add(message.seq);
    if (queue) {
      queue.push({ message, payload: parsed.data, running: false });
      return;
    }
    this.byKey.set(key, [{ message, payload: parsed.data, running: false }]);
    this.ready.push(key);
    this.startReady(stop);
  }

  private startReady(stop: AbortSignal): void {
    while (this.running < this.spec.concurrency && this.ready.length > 0 && !stop.aborted) {
      const key = this.ready.shift() as string;
      const head = this.byKey.get(key)?.[0];
      if (!head) continue;
      head.running = true;
      this.running++;
      void this.handleUntilDone(head, stop).then((outcome) => this.finish(key, head, outcome, stop));
    }
  }

  private finish(key: string, head: Held, outcome: Outcome, stop: AbortSignal): void {
    this.running--;
    this.inHand.delete(head.message.seq);
    if (outcome === 'handled') this.nats.writes.defer(() => head.message.ack());
    const queue = this.byKey.get(key);
    queue?.shift();
    if (outcome === 'stopped' || !queue || queue.length === 0) {
      // Stopped: this key's later messages must not run before this one, which comes back first.
      for (const held of queue ?? []) this.inHand.delete(held.message.seq);
      this.byKey.delete(key);
    } else {
      this.ready.push(key);
    }
    this.startReady(stop);
    if (this.running === 0) this.idle?.();
  }

  /** `stopped`: the reader stopped first, and the message stays unacked for the next reader. */
  private async handleUntilDone(held: Held, stop: AbortSignal): Promise<Outcome> {
    const meta = deliveryMetaOf(held.message);
    const outcome = await retryUntilStopped(
      stop,
      async (): Promise<Outcome> => {
        try {
          await this.spec.handle(held.payload as z.infer<S>, meta);
          return 'handled';
        } catch (error) {
          const never = error instanceof DomainError && error.code === ErrorCode.InvalidPayload;
          if (never && (await this.deadLetter(held.message, error.message))) return 'dead';
          throw error;
        }
      },
      (error, delay) => this.logger.warn({ err: error, durable: this.spec.durable, seq: meta.streamSeq, delay }, 'handler failed; retrying in place'),
    );
    return outcome ?? 'stopped';
  }

  /** Resets the ack timer of every message in hand, so none is redelivered behind later ones. */
  private keepInHand(): void {
    for (const queue of this.byKey.values()) {
      for (const held of queue) {
        try {
          held.message.working();
        } catch {
          // the connection is gone: the next reader starts at the ack floor anyway
        }
      }
    }
  }

  private dropWaiting(): void {
    for (const [key, queue] of this.byKey) {
      const kept = queue.filter((held) => held.running);
      for (const held of queue) if (!held.running) this.inHand.delete(held.message.seq);
      if (kept.length > 0) this.byKey.set(key, kept);
      else this.byKey.delete(key);
    }
    this.ready.length = 0;
  }

  /** Resolves once no handler runs. */
  private async settled(): Promise<void> {
    while (this.running > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.idle = undefined;
  }

  /**
   * Copies one message to the DEAD stream and terminates it; false when the copy failed (the
   * message is then left as it is, to come back rather than be lost).
   */
  private async deadLetter(message: JsMsg, reason: string): Promise<boolean> {
    return copyToDeadLetters(this.nats, this.logger, this.spec.durable, deliveryMetaOf(message), message.string(), reason)
      .then(() => {
        message.term(reason);
        return true;
      })
      .catch(() => false);
  }
}
