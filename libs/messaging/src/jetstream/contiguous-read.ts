import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnectionService } from '../connection/nats-connection.service.js';

export interface ContiguousRead {
  stream: string;
  durable: string;
  /** Messages asked for per pull. */
  maxMessages: number;
  /** The consumer's delivery sequence of the last delivery so far (0: the first one is taken as it comes). */
  lastDelivery: number;
}

/**
 * A single reader's pull loop: hands each delivery to `receive` until `stop` aborts (resolves
 * false) or a delivery goes missing (resolves true). A delivery lost on the way (a NATS
 * reconnect) would come back only after the ack wait, behind later messages; the consumer's
 * delivery sequence grows by one per delivery (redeliveries included), so a jump shows it, and
 * the reader starts over at the durable's ack floor (openAtAckFloor). Nothing after the jump is
 * received.
 */
export async function readContiguous(nats: NatsConnectionService, read: ContiguousRead, stop: AbortSignal, receive: (message: JsMsg) => void): Promise<boolean> {
  const consumer = await nats.js.consumers.get(read.stream, read.durable);
  const messages = await consumer.consume({ max_messages: read.maxMessages });
  const close = () => void messages.close().catch(() => undefined);
  if (stop.aborted) close();
  stop.addEventListener('abort', close, { once: true });
  let lastDelivery = read.lastDelivery;
  try {
    for await (const message of messages) {
      if (stop.aborted) return false;
      const delivery = message.info.deliverySequence;
      if (lastDelivery !== 0 && delivery !== lastDelivery + 1) return true;
      lastDelivery = delivery;
      receive(message);
    }
    return false;
  } finally {
    stop.removeEventListener('abort', close);
    close();
  }
}
