import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { streamName } from '@app/contracts';

export interface StoredMessage {
  subject: string;
  seq: number;
  /** The payload exactly as stored (to prove what is *not* in it). */
  text: string;
  data: Record<string, unknown>;
  correlationId?: string;
}

/**
 * Reads what the ingress stored, with a connection and an ordered consumer of the test's own:
 * the assertions see JetStream's content, not the ingress' idea of it.
 */
export class StreamReader {
  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly stream: string,
  ) {}

  static async open(natsUrl: string, prefix: string): Promise<StreamReader> {
    const nc = await connect({ servers: natsUrl });
    return new StreamReader(nc, jetstream(nc), await jetstreamManager(nc), streamName(prefix, 'EVENTS'));
  }

  /** Every message of the EVENTS stream, in stream order. */
  async all(): Promise<StoredMessage[]> {
    const count = (await this.jsm.streams.info(this.stream)).state.messages;
    if (count === 0) return [];
    const consumer = await this.js.consumers.get(this.stream);
    const stored: StoredMessage[] = [];
    for await (const message of await consumer.fetch({ max_messages: count, expires: 5000 })) {
      stored.push({
        subject: message.subject,
        seq: message.seq,
        text: message.string(),
        data: message.json<Record<string, unknown>>(),
        correlationId: message.headers?.get('x-correlation-id'),
      });
      if (stored.length === count) break;
    }
    return stored;
  }

  /** The webhook events stored for one Page. */
  async eventsOfPage(pageId: string): Promise<StoredMessage[]> {
    return (await this.all()).filter((message) => message.data.pageId === pageId);
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}
