import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { threadPartition, webhookEventSubject, type WebhookEventStored } from '@app/contracts';
import { JetStreamPublisher, NatsConnectionService, type PublishOptions } from '@app/messaging';
import type { IngressEnv } from '../config/ingress-env.js';
import { IngressMetrics, type PublishOutcome } from './ingress-metrics.js';
import { eventsNotStored } from './webhook.errors.js';
import { storableUnroutable, type UnroutablePublication, type WebhookPlan } from './webhook-plan.js';

/** nats-server's default max_payload, for the moment before the server's INFO is known. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
const HEADER_ROOM_BYTES = 4096;

/**
 * Stores one POST's events in JetStream. All publishes are issued at once, in batch order (one
 * connection keeps publish order, so one thread's events stay ordered in its partition), then
 * awaited together. Resolves only when every message is acked; a duplicate ack (Meta redelivered,
 * JetStream dedupes on the message id) counts as stored.
 */
@Injectable()
export class WebhookPublisher {
  private readonly logger = new Logger(WebhookPublisher.name);
  private readonly timeoutMs: number;

  constructor(
    private readonly jetStream: JetStreamPublisher,
    private readonly metrics: IngressMetrics,
    private readonly nats: NatsConnectionService,
    config: ConfigService<IngressEnv, true>,
  ) {
    this.timeoutMs = config.get('PUBLISH_TIMEOUT_MS', { infer: true });
  }

  /** Throws a 503 WebhookError when anything was not stored: Meta retries, the dedupe drops repeats. */
  async publish(plan: WebhookPlan, correlationId: string): Promise<void> {
    // One start time for the whole POST: its messages all leave in the same socket write.
    const started = performance.now();
    const pending = plan.events.map((event) => this.publishEvent(event, correlationId, started));
    if (plan.unroutable) pending.push(this.publishUnroutable(plan.unroutable, correlationId));
    const outcomes = await Promise.all(pending);
    const failed = outcomes.filter((outcome) => outcome === 'failed').length;
    if (failed > 0) throw eventsNotStored(failed, outcomes.length);
  }

  private publishEvent(event: WebhookEventStored, correlationId: string, started: number): Promise<PublishOutcome> {
    const subject = webhookEventSubject(threadPartition(event.pageId, event.psid));
    const record = (outcome: PublishOutcome): PublishOutcome => {
      this.metrics.observePublish(event.kind, event.channel, outcome, (performance.now() - started) / 1000);
      return outcome;
    };
    return this.jetStream.publish(subject, event, this.options(event.eventId, correlationId)).then(
      (ack) => record(ack.duplicate ? 'duplicate' : 'stored'),
      (error: Error) => record(this.failed('event', subject, event.eventId, correlationId, error)),
    );
  }

  private publishUnroutable(unroutable: UnroutablePublication, correlationId: string): Promise<PublishOutcome> {
    const { subject, msgID, reason } = unroutable;
    const record = (outcome: PublishOutcome): PublishOutcome => {
      this.metrics.observeUnroutable(reason, outcome);
      return outcome;
    };
    const storable = storableUnroutable(unroutable, this.maxRecordBytes());
    if (storable.omitted) this.logger.error({ subject, msgID, correlationId, bytes: storable.record.omitted?.bytes }, 'unroutable body too large for one NATS message: kept without its body');
    return this.jetStream.publish(subject, storable.record, this.options(msgID, correlationId)).then(
      (ack) => record(ack.duplicate ? 'duplicate' : 'stored'),
      (error: Error) => record(this.failed('unroutable', subject, msgID, correlationId, error)),
    );
  }

  /** What one message may carry on this server, less room for the headers. */
  private maxRecordBytes(): number {
    return (this.nats.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD) - HEADER_ROOM_BYTES;
  }

  private options(msgID: string, correlationId: string): PublishOptions {
    return { msgID, correlationId, timeoutMs: this.timeoutMs };
  }

  /** A failure is an outcome, not a rejection, so one lost ack does not hide the others' results. */
  private failed(target: 'event' | 'unroutable', subject: string, msgID: string, correlationId: string, error: Error): PublishOutcome {
    this.metrics.publishFailures.inc({ target });
    // The message id and subject only: the payload may carry user content.
    this.logger.warn({ subject, msgID, correlationId, err: error.message }, 'JetStream did not store a webhook event');
    return 'failed';
  }
}
