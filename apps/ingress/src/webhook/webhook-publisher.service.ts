import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { threadPartition, webhookEventSubject, type WebhookEventStored } from '@app/contracts';
import { JetStreamPublisher } from '@app/messaging';
import type { IngressEnv } from '../config/ingress-env.js';
import { IngressMetrics, type PublishOutcome } from './ingress-metrics.js';
import { eventsNotStored } from './webhook.errors.js';
import type { UnroutablePublication, WebhookPlan } from './webhook-plan.js';

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
    config: ConfigService<IngressEnv, true>,
  ) {
    this.timeoutMs = config.get('PUBLISH_TIMEOUT_MS', { infer: true });
  }

  /** Throws a 503 WebhookError when anything was not stored: Meta retries, the dedupe drops repeats. */
  async publish(plan: WebhookPlan, correlationId: string): Promise<void> {
    const pending = plan.events.map((event) => this.publishEvent(event, correlationId));
    if (plan.unroutable) pending.push(this.publishUnroutable(plan.unroutable, correlationId));
    const outcomes = await Promise.all(pending);
    const failed = outcomes.filter((outcome) => outcome === 'failed').length;
    if (failed > 0) throw eventsNotStored(failed, outcomes.length);
  }

  private publishEvent(event: WebhookEventStored, correlationId: string): Promise<PublishOutcome> {
    const subject = webhookEventSubject(threadPartition(event.pageId, event.psid));
    return this.send('event', subject, event, event.eventId, correlationId, (outcome, seconds) =>
      this.metrics.observePublish(event.kind, event.channel, outcome, seconds),
    );
  }

  private publishUnroutable(unroutable: UnroutablePublication, correlationId: string): Promise<PublishOutcome> {
    return this.send('unroutable', unroutable.subject, unroutable.record, unroutable.msgID, correlationId, (outcome) =>
      this.metrics.observeUnroutable(unroutable.reason, outcome),
    );
  }

  /** Never rejects: a failure is an outcome, so one lost ack does not hide the others' results. */
  private async send(
    target: 'event' | 'unroutable',
    subject: string,
    payload: unknown,
    msgID: string,
    correlationId: string,
    record: (outcome: PublishOutcome, seconds: number) => void,
  ): Promise<PublishOutcome> {
    const started = performance.now();
    let outcome: PublishOutcome;
    try {
      const ack = await this.jetStream.publish(subject, payload, { msgID, correlationId, timeoutMs: this.timeoutMs });
      outcome = ack.duplicate ? 'duplicate' : 'stored';
    } catch (error) {
      outcome = 'failed';
      this.metrics.publishFailures.inc({ target });
      // The message id and subject only: the payload may carry user content.
      this.logger.warn({ subject, msgID, correlationId, err: (error as Error).message }, 'JetStream did not store a webhook event');
    }
    record(outcome, (performance.now() - started) / 1000);
    return outcome;
  }
}
