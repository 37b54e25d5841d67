import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { jetstream, StorageType } from '@nats-io/jetstream';
import { connect, type Msg } from '@nats-io/transport-node';
import { streamName } from '@app/contracts';
import { NatsConnectionService } from '@app/messaging';
import { describe, expect, it } from 'vitest';
import { TEST_NATS_URL, useScratchJetStream } from '../../../../test/support/scratch-jetstream.js';
import { waitFor } from '../../../../test/support/wait-for.js';
import { StreamPosition } from './stream-position.js';

/**
 * Against the real NATS and a real EVENTS stream (of a prefix of the test's own). The service's
 * connection goes through a TCP relay of the test's that can hold what NATS sends back: a lookup
 * is then answered by JetStream but the answer has not reached the service yet, i.e. it is in
 * flight, for as long as the test needs. The test watches the lookups (STREAM.INFO requests) and
 * JetStream's answers to them on a connection of its own.
 */
const RUN = `sp${randomBytes(4).toString('hex')}`;

/** A TCP relay to NATS; `hold()` keeps what NATS sends to the client until `release()` (what the client sends still goes through). */
class HoldingRelay {
  private held: Buffer[] | undefined;
  private readonly pairs = new Set<[Socket, Socket]>();

  private constructor(
    private readonly server: Server,
    private readonly upstream: { host: string; port: number },
  ) {
    server.on('connection', (client) => this.relay(client));
  }

  static async start(natsUrl: string): Promise<HoldingRelay> {
    const url = new URL(natsUrl);
    const relay = new HoldingRelay(createServer(), { host: url.hostname, port: Number(url.port || 4222) });
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get url(): string {
    return `nats://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const [client] of this.pairs) for (const chunk of held) client.write(chunk);
  }

  async close(): Promise<void> {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise((resolve) => this.server.close(resolve));
  }

  private relay(client: Socket): void {
    const upstream = tcpConnect(this.upstream.port, this.upstream.host);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => (this.held ? this.held.push(chunk) : client.write(chunk)));
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) socket.on('close', end).on('error', end);
  }
}

const scratch = useScratchJetStream(RUN);
let worlds = 0;

/** A prefix of its own (no stream yet), the service connected through a relay, and the lookups as NATS sees them. */
async function world() {
  const prefix = `${RUN}w${++worlds}`;
  const stream = streamName(prefix, 'EVENTS');
  const relay = await HoldingRelay.start(TEST_NATS_URL);
  scratch.cleanups.push(() => relay.close());
  const nats = await NatsConnectionService.connect({ service: 'stream-position-spec', servers: relay.url, prefix, rpcTimeoutMs: 5000 });
  scratch.cleanups.push(async () => {
    relay.release();
    await nats.nc.close();
  });

  // Every STREAM.INFO of this stream, and each answer JetStream sends to its reply subject.
  const lookups: Msg[] = [];
  const answers = new Map<string, { last_seq?: number; error?: string }>();
  const requests = scratch.admin.subscribe(`$JS.API.STREAM.INFO.${stream}`, { callback: (_error, msg) => void lookups.push(msg) });
  const replies = scratch.admin.subscribe('_INBOX.>', {
    callback: (_error, msg) => {
      if (!lookups.some((lookup) => lookup.reply === msg.subject)) return;
      const body = msg.json<{ state?: { last_seq: number }; error?: { description: string } }>();
      answers.set(msg.subject, { last_seq: body.state?.last_seq, error: body.error?.description });
    },
  });
  scratch.cleanups.push(async () => {
    requests.unsubscribe();
    replies.unsubscribe();
  });
  await scratch.admin.flush();

  /** JetStream's answer to the n-th lookup (1-based), once it has sent it. */
  const answerTo = (n: number) => waitFor(() => (lookups[n - 1] ? answers.get(lookups[n - 1]!.reply!) : undefined), `JetStream's answer to lookup ${n}`, 5000);
  const createStream = () => scratch.jsm.streams.add({ name: stream, subjects: [`${prefix}.events.>`], storage: StorageType.Memory });
  const store = async (count: number) => {
    for (let i = 0; i < count; i++) await jetstream(scratch.admin).publish(`${prefix}.events.test`, '{}');
  };
  return { sut: new StreamPosition(nats), relay, lookups, answerTo, createStream, store };
}

describe('StreamPosition', () => {
  it('answers callers that arrive during a lookup with the next lookup, never with the one already in flight', async () => {
    const { sut, relay, lookups, answerTo, createStream, store } = await world();
    await createStream();
    await store(10);
    relay.hold();
    const first = sut.current();
    expect(await answerTo(1)).toEqual({ last_seq: 10, error: undefined }); // read, not yet delivered: in flight
    await store(2); // stored after that read ...
    const [second, third] = [sut.current(), sut.current()]; // ... and before these callers arrive
    await scratch.admin.flush();
    expect(lookups).toHaveLength(1); // they wait for the lookup in flight to end

    relay.release();
    await expect(first).resolves.toBe(10);
    await expect(second).resolves.toBe(12); // one lookup for both latecomers, started after they arrived
    await expect(third).resolves.toBe(12);
    await scratch.admin.flush();
    expect(lookups).toHaveLength(2);
    expect(await answerTo(2)).toEqual({ last_seq: 12, error: undefined });
  });

  it('fails only the callers of a failed lookup', async () => {
    const { sut, relay, lookups, answerTo, createStream, store } = await world();
    relay.hold();
    const failed = sut.current().catch((error: Error) => error.message);
    expect(await answerTo(1)).toEqual({ last_seq: undefined, error: 'stream not found' }); // there is no stream yet
    await createStream();
    await store(7);
    const next = sut.current();

    relay.release();
    await expect(failed).resolves.toBe('stream not found');
    await expect(next).resolves.toBe(7);
    expect(lookups).toHaveLength(2);
  });
});
