import { Gauge, register } from 'prom-client';
import { counter } from '@app/platform';

/** Why a request or a notification was refused; a small fixed set keeps the label cardinality low. */
export type RefusalReason =
  | 'otn_not_enabled'
  | 'title_too_long'
  | 'throttled'
  | 'topic_not_agreed'
  | 'no_token_left'
  | 'graph_error'
  | 'not_delivered'
  | 'retries_exhausted';

export const requestsTotal = counter({ name: 'notifications_requests_total', help: 'OTN requests (Notify Me templates) sent' });
export const optinsTotal = counter({ name: 'notifications_optins_total', help: 'OTN opt-ins captured as new tokens' });
export const sentTotal = counter({ name: 'notifications_sent_total', help: 'One-time notifications delivered' });
export const refusedTotal = counter({
  name: 'notifications_refused_total',
  help: 'OTN requests or notifications refused, by reason',
  labelNames: ['reason'] as const,
});

/** Get-or-create, like the platform helpers: several app instances may share one process (tests). */
export const tokensGauge: Gauge<'state'> =
  (register.getSingleMetric('notifications_tokens') as Gauge<'state'> | undefined) ??
  new Gauge({ name: 'notifications_tokens', help: 'OTN tokens by state (updated by the expiry sweep)', labelNames: ['state'] as const });

export const refuse = (reason: RefusalReason): void => refusedTotal.inc({ reason });
