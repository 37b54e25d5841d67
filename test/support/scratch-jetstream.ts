import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export interface ScratchJetStream {
  /** A plain connection for the test's own looking and publishing. */
  readonly admin: NatsConnection;
  readonly jsm: JetStreamManager;
  /** Run after each test, last registered first (connections, subscriptions, servers). */
  readonly cleanups: Array<() => Promise<unknown>>;
}

/**
 * For a spec that makes its own streams on the shared NATS: registers the hooks that open an
 * admin connection, run each test's cleanups, and delete every stream of the run (`run`, upper
 * case, starts their names) at the end. Call at the top level of the spec.
 */
export function useScratchJetStream(run: string): ScratchJetStream {
  let admin: NatsConnection | undefined;
  let jsm: JetStreamManager | undefined;
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    admin = await connect({ servers: TEST_NATS_URL });
    jsm = await jetstreamManager(admin);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });
  afterAll(async () => {
    if (jsm) for await (const name of jsm.streams.names()) if (name.startsWith(run.toUpperCase())) await jsm.streams.delete(name);
    await admin?.close();
  });
  return {
    get admin() {
      if (!admin) throw new Error('useScratchJetStream: used before beforeAll ran');
      return admin;
    },
    get jsm() {
      if (!jsm) throw new Error('useScratchJetStream: used before beforeAll ran');
      return jsm;
    },
    cleanups,
  };
}
