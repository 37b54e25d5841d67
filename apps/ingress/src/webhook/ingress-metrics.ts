import { Injectable } from '@nestjs/common';
import { counter } from '@app/platform';
import { CounterTally, TallyHistogram } from './metric-tallies.js';
import type { UnroutableReason } from './webhook-plan.js';

/** Why a webhook request was answered 4xx (nothing stored). */
export type RejectionReason = 'signature' | 'json' | 'size' | 'content_type' | 'verify_token' | 'unknown_app';
export type PublishOutcome = 'stored' | 'duplicate' | 'failed';

/** Rejections are recognised by status, in one place, because 413/415 never reach our code (Fastify answers them). */
const REJECTION_BY_STATUS: Readonly<Record<number, RejectionReason>> = {
  400: 'json',
  401: 'signature',
  403: 'verify_token',
  404: 'unknown_app',
  413: 'size',
  415: 'content_type',
};

export function rejectionReasonFor(status: number): RejectionReason | undefined {
  return REJECTION_BY_STATUS[status];
}

/**
 * The ingress' Prometheus metrics. What is counted per request or per event is tallied first
 * (metric-tallies.ts) and reaches prom-client when /metrics is read; the rare ones are plain
 * prom-client metrics. All get-or-create, so several app instances in one process (tests)
 * share them instead of failing on re-registration.
 */
@Injectable()
export class IngressMetrics {
  private readonly requests = new CounterTally({
    name: 'ingress_webhook_requests_total',
    help: 'Webhook requests received, by method and response status',
    labelNames: ['method', 'status'],
  });
  private readonly rejected = new CounterTally({
    name: 'ingress_webhook_rejected_total',
    help: 'Webhook requests answered 4xx with nothing stored, by reason',
    labelNames: ['reason'],
  });
  private readonly published = new CounterTally({
    name: 'ingress_events_published_total',
    help: 'Webhook events newly stored in JetStream, by kind and channel',
    labelNames: ['kind', 'channel'],
  });
  private readonly duplicates = new CounterTally({
    name: 'ingress_events_duplicate_total',
    help: 'Webhook events JetStream already had (Meta redelivery), by kind',
    labelNames: ['kind'],
  });
  readonly publishFailures = counter({
    name: 'ingress_publish_failures_total',
    help: 'Publishes JetStream did not ack in time (the request was answered 503)',
    labelNames: ['target'],
  });
  readonly unroutable = counter({
    name: 'ingress_webhook_unroutable_total',
    help: 'Signed bodies (or parts) kept under events.unroutable instead of as events, by reason',
    labelNames: ['reason'],
  });
  private readonly publishSeconds = TallyHistogram.create({
    name: 'ingress_publish_duration_seconds',
    help: 'Time from publish to JetStream ack, per message',
    labelName: 'outcome',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
  });

  /** One webhook response (Fastify's own 413/415 included), and its rejection reason if it is one. */
  observeResponse(method: string, status: number): void {
    this.requests.inc(`${method} ${status}`, { method, status: String(status) });
    const reason = status >= 400 ? rejectionReasonFor(status) : undefined;
    if (reason) this.rejected.inc(reason, { reason });
  }

  observeUnroutable(reason: UnroutableReason, outcome: PublishOutcome): void {
    if (outcome === 'stored') this.unroutable.inc({ reason });
    else if (outcome === 'duplicate') this.duplicates.inc('unroutable', { kind: 'unroutable' });
  }

  observePublish(kind: string, channel: string, outcome: PublishOutcome, seconds: number): void {
    this.publishSeconds.observe(outcome, seconds);
    if (outcome === 'stored') this.published.inc(`${kind} ${channel}`, { kind, channel });
    else if (outcome === 'duplicate') this.duplicates.inc(kind, { kind });
  }
}
