import { Injectable } from '@nestjs/common';
import type { PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { NatsConnectionService } from '../connection/nats-connection.service.js';

export const CORRELATION_HEADER = 'x-correlation-id';

export interface PublishOptions {
  /** JetStream deduplication id: the same id within the stream's window is stored once. */
  msgID: string;
  correlationId?: string;
  timeoutMs?: number;
}

/** Publishes facts that must not be lost; resolves only once JetStream has stored them. */
@Injectable()
export class JetStreamPublisher {
  constructor(private readonly nats: NatsConnectionService) {}

  /** Publishes in call order; the publishes of one event-loop turn go out in one write. */
  publish(relativeSubject: string, payload: unknown, options: PublishOptions): Promise<PubAck> {
    const hdrs = natsHeaders();
    if (options.correlationId) hdrs.set(CORRELATION_HEADER, options.correlationId);
    const data = JSON.stringify(payload);
    return new Promise((resolve, reject) => {
      this.nats.writes.defer(() => {
        this.nats.js.publish(this.nats.subject(relativeSubject), data, { msgID: options.msgID, headers: hdrs, timeout: options.timeoutMs ?? 2000 }).then(resolve, reject);
      });
    });
  }
}
