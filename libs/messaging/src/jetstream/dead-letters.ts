import type { Logger } from '@nestjs/common';
import type { NatsConnectionService } from '../connection/nats-connection.service.js';
import type { DeliveryMeta } from './durable-consumer.js';

/**
 * Copies a message that can never be handled to the DEAD stream (`dead.<durable>`, one copy per
 * durable and stream sequence), for an operator; rejects when the copy failed, so the caller
 * keeps the message rather than lose it.
 */
export async function copyToDeadLetters(nats: NatsConnectionService, logger: Logger, durable: string, meta: DeliveryMeta, data: string | null, reason: string): Promise<void> {
  logger.error({ durable, seq: meta.streamSeq, reason }, 'message cannot be processed; moved to DEAD');
  const record = { durable, subject: meta.subject, streamSeq: meta.streamSeq, reason, data };
  await nats.js.publish(nats.subject(`dead.${durable}`), JSON.stringify(record), { msgID: `${durable}:${meta.streamSeq}` });
}
