import { z } from 'zod';

/**
 * What a bot tells the suite when it gives an event back (nak), drops it (term) or handled it
 * after its ack wait had run out (late: the server has redelivered it meanwhile): the reason
 * the suite shows in the app's recent errors. Optional and advisory: the suite decides an app's
 * health from what the NATS server reports (naks, redeliveries, max deliveries), never from these
 * alone. Core NATS publish, fire and forget, on `<p>.health.<appId>`.
 */
export const botDeliveryReportSubject = (appId: string): string => `health.${appId}`;

export const botDeliveryReportSchema = z.object({
  appId: z.string(),
  /** `nak`: will be redelivered; `term`: the bot gave it up for good; `late`: acked after the ack wait. */
  outcome: z.enum(['nak', 'term', 'late']),
  /** BOTS stream sequence of the event (JetStream message info). */
  streamSeq: z.number().int().positive(),
  deliveryCount: z.number().int().positive(),
  idempotencyKey: z.string().max(200).optional(),
  /** Short, non-sensitive: an error class and message, no user data. At most 500 characters. */
  reason: z.string().max(500),
});
export type BotDeliveryReport = z.infer<typeof botDeliveryReportSchema>;
