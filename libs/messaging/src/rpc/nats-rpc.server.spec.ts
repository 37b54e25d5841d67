import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsRpcServer } from './nats-rpc.server.js';

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Against the real NATS: a request being handled when the service shuts down still gets its answer. */
describe('NatsRpcServer.close', () => {
  const prefix = `rpc${randomBytes(4).toString('hex')}`;
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
  });

  afterAll(async () => {
    await nc?.close();
  });

  it('lets a request in flight answer before the connection closes, and takes no new ones', async () => {
    const server = new NatsRpcServer({ service: 'spec', servers: NATS_URL, prefix, rpcTimeoutMs: 5000 });
    let started = 0;
    server.addHandler('slow', async (data: { n: number }) => {
      started++;
      await sleep(500);
      return { doubled: data.n * 2 };
    });
    await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));

    const answer = nc.request(`${prefix}.slow`, JSON.stringify({ n: 21 }), { timeout: 3000 });
    while (started === 0) await sleep(10);
    const closing = server.close();
    await sleep(50);
    const late = nc.request(`${prefix}.slow`, JSON.stringify({ n: 1 }), { timeout: 1000 }).then(
      () => 'answered',
      (error: Error) => error.message,
    );

    expect((await answer).json()).toEqual({ ok: true, data: { doubled: 42 } });
    await closing;
    expect(await late).toMatch(/no responders|timeout/i);
    expect(started).toBe(1);
  });
});
