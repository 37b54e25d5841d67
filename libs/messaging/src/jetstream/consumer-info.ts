import { JetStreamApiCodes, JetStreamApiError, type ConsumerInfo, type JetStreamManager } from '@nats-io/jetstream';

/** A durable's info, or null when it does not exist; any other failure (NATS away, a timeout) is thrown. */
export async function consumerInfoOrNull(jsm: JetStreamManager, stream: string, durable: string): Promise<ConsumerInfo | null> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return null;
    throw error;
  }
}

/** Deletes the stream's durables whose names match (e.g. ones a single reader replaced); returns how many went. */
export async function deleteConsumersMatching(jsm: JetStreamManager, stream: string, names: RegExp): Promise<number> {
  let deleted = 0;
  for await (const info of jsm.consumers.list(stream)) {
    if (names.test(info.name) && (await jsm.consumers.delete(stream, info.name))) deleted++;
  }
  return deleted;
}
