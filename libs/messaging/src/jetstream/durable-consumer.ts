import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, type ConsumerConfig, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { ErrorCode, streamName } from '@app/contracts';
import { DomainError } from '@app/platform';
import type { z } from 'zod';
import { NatsConnectionService } from '../connection/nats-connection.service.js';
import { copyToDeadLetters } from './dead-letters.js';
import { deliveryMetaOf, jsonOrUndefined } from './received.js';

export interface DeliveryMeta {
  subject: string;
  streamSeq: number;
  deliveryCount: number;
  correlationId?: string;
}

export interface ConsumerSpec<S extends z.ZodType> {
  stream: 'EVENTS' | 'BOTS' | 'DEAD';
  durable: string;
  /** Relative subject (prefix added here). */
  filterSubject: string;
  schema: S;
  /** 1 = strictly one message at a time across all replicas: the ordering guarantee. */
  maxAckPending: number;
  ackWaitMs?: number;
  handle(payload: z.infer<S>, meta: DeliveryMeta): Promise<void>;
}

const MAX_NAK_DELAY_MS = 30_000;
/**
 * Messages asked for per pull request. The server still hands out at most `maxAckPending`
 * unacked messages, so a larger pull does not weaken ordering; it only saves a pull request per
 * message (with one in flight, a pull of 1 cost nats-server a request for every message).
 */
const MIN_PULL_BATCH = 64;

/**
 * Runs durable pull consumers. A message is acked only after its handler resolved (i.e. after
 * the handler's transaction committed); a failing handler gets the message again with backoff;
 * a message that can never succeed (invalid payload) is terminated and copied to the DEAD stream.
 */
@Injectable()
export class DurableConsumers implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DurableConsumers.name);
  private readonly running: Array<{ messages: ConsumerMessages; done: Promise<void> }> = [];

  constructor(private readonly nats: NatsConnectionService) {}

  async start<S extends z.ZodType>(spec: ConsumerSpec<S>): Promise<void> {
    const stream = streamName(this.nats.options.prefix, spec.stream);
    await this.ensureConsumer(stream, spec);
    const consumer = await this.nats.js.consumers.get(stream, spec.durable);
    const messages = await consumer.consume({ max_messages: Math.max(spec.maxAckPending, MIN_PULL_BATCH) });
    const done = this.loop(messages, spec);
    this.running.push({ messages, done });
  }

  /** Stop pulling, let in-flight handlers finish (they ack), then return: the connection drains after. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const { messages } of this.running) await messages.close().catch(() => undefined);
    await Promise.allSettled(this.running.map((r) => r.done));
    this.running.length = 0;
  }

  private async ensureConsumer(stream: string, spec: ConsumerSpec<z.ZodType>): Promise<void> {
    const config: Partial<ConsumerConfig> = {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.nats.subject(spec.filterSubject),
      max_ack_pending: spec.maxAckPending,
      ack_wait: nanos(spec.ackWaitMs ?? 30_000),
      max_deliver: -1,
    };
    await this.nats.jsm.consumers.add(stream, config).catch(async () => {
      await this.nats.jsm.consumers.update(stream, spec.durable, config);
    });
  }

  private async loop(messages: ConsumerMessages, spec: ConsumerSpec<z.ZodType>): Promise<void> {
    for await (const message of messages) await this.process(message, spec);
  }

  private async process(message: JsMsg, spec: ConsumerSpec<z.ZodType>): Promise<void> {
    const meta = deliveryMetaOf(message);
    const parsed = spec.schema.safeParse(jsonOrUndefined(message));
    if (!parsed.success) return this.deadLetter(message, spec, `invalid payload: ${parsed.error.message}`);
    try {
      await spec.handle(parsed.data, meta);
      this.nats.writes.defer(() => message.ack());
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.InvalidPayload) return this.deadLetter(message, spec, error.message);
      const delay = Math.min(MAX_NAK_DELAY_MS, 250 * 2 ** Math.min(meta.deliveryCount - 1, 10));
      this.logger.warn({ err: error, durable: spec.durable, seq: meta.streamSeq, delay }, 'handler failed; redelivering');
      message.nak(delay);
    }
  }

  private async deadLetter(message: JsMsg, spec: ConsumerSpec<z.ZodType>, reason: string): Promise<void> {
    await copyToDeadLetters(this.nats, this.logger, spec.durable, deliveryMetaOf(message), message.string(), reason)
      .then(() => message.term(reason))
      .catch(() => message.nak(MAX_NAK_DELAY_MS)); // keep it rather than lose it
  }
}
