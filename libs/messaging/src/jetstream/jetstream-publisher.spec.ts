import { randomBytes } from 'node:crypto';
import { StorageType } from '@nats-io/jetstream';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { streamName } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import { PrivateNats } from '../../../../test/support/private-nats.js';
import { TEST_NATS_URL, useScratchJetStream } from '../../../../test/support/scratch-jetstream.js';
import { waitFor } from '../../../../test/support/wait-for.js';
import { NatsConnectionService } from '../connection/nats-connection.service.js';
import { JetStreamPublisher } from './jetstream-publisher.js';

/**
 * Against the real NATS (JetStream): every world below has a subject prefix of its own, hence
 * streams of its own, all deleted at the end. A "held" subject has a plain core subscriber of the
 * test's: the publish reaches it, but nothing ever acks it.
 */
const RUN = `jsp${randomBytes(4).toString('hex')}`;
/** nats.js' inbox (`_INBOX.<nuid>`), then the publisher's token per message. */
const REPLY = /^_INBOX\.[A-Za-z0-9]+\.[0-9a-z]+$/;
const replyPrefix = (reply: string | undefined) => reply?.slice(0, reply.lastIndexOf('.') + 1);
const turn = () => new Promise((resolve) => setImmediate(resolve));
/** The error a publish rejects with (handled at once, so one that fails early is no unhandled rejection). */
const failureOf = (publish: Promise<unknown>) => publish.then(() => 'no error', (error: unknown) => error);

const scratch = useScratchJetStream(RUN);
let worlds = 0;

/** A prefix of the test's own with an EVENTS stream on `<prefix>.events.>`, and a publisher on a connection of its own. */
async function world() {
  const prefix = `${RUN}w${++worlds}`;
  const stream = streamName(prefix, 'EVENTS');
  await scratch.jsm.streams.add({ name: stream, subjects: [`${prefix}.events.>`], storage: StorageType.Memory });
  const service = await NatsConnectionService.connect({ service: 'jetstream-publisher-spec', servers: TEST_NATS_URL, prefix, rpcTimeoutMs: 5000 });
  scratch.cleanups.push(() => service.nc.close());
  /** Messages this connection has written so far. */
  const sent = () => service.nc.stats().outMsgs;
  return { prefix, stream, service, sut: new JetStreamPublisher(service), sent };
}

/** What reaches `subject`, as seen by a core subscriber of the test's (which never answers). */
async function listen(subject: string, nc: NatsConnection = scratch.admin): Promise<Msg[]> {
  const msgs: Msg[] = [];
  const subscription = nc.subscribe(subject, { callback: (_error, msg) => void msgs.push(msg) });
  scratch.cleanups.push(async () => subscription.unsubscribe());
  await nc.flush(); // the server knows the interest before anything is published
  return msgs;
}

describe('JetStreamPublisher', () => {
  it('publishes with a reply subject under one subscription of its own and resolves with the ack', async () => {
    const { prefix, stream, sut, sent } = await world();
    const seen = await listen(`${prefix}.events.>`);
    const before = sent();
    const first = sut.publish('events.webhook.3', { a: 1 }, { msgID: 'message:m1', correlationId: 'c-1' });
    const second = sut.publish('events.webhook.4', { b: 2 }, { msgID: 'message:m2' });
    expect(sent() - before).toBe(0); // sent together at the end of the turn
    await turn();
    expect(sent() - before).toBe(2);

    await expect(first).resolves.toEqual({ stream, seq: 1, duplicate: false });
    await expect(second).resolves.toEqual({ stream, seq: 2, duplicate: false });
    await scratch.admin.flush(); // the server routed them to us before the stream acked them
    expect(seen.map((m) => [m.subject, m.string()])).toEqual([
      [`${prefix}.events.webhook.3`, '{"a":1}'],
      [`${prefix}.events.webhook.4`, '{"b":2}'],
    ]);
    expect(seen[0]!.headers?.get('Nats-Msg-Id')).toBe('message:m1');
    expect(seen[0]!.headers?.get('x-correlation-id')).toBe('c-1');
    expect(seen[1]!.headers?.has('x-correlation-id')).toBe(false);
    const [reply1, reply2] = seen.map((m) => m.reply);
    expect(reply1).toMatch(REPLY);
    expect(reply2).toMatch(REPLY);
    expect(reply1).not.toBe(reply2);
    expect(replyPrefix(reply2)).toBe(replyPrefix(reply1)); // both under the one subscription

    // What JetStream stored, with the headers it deduplicates by.
    const stored = await scratch.jsm.streams.getMessage(stream, { seq: 1 });
    expect([stored?.subject, stored?.json(), stored?.header.get('Nats-Msg-Id')]).toEqual([`${prefix}.events.webhook.3`, { a: 1 }, 'message:m1']);

    // The same msgID again: acked as a duplicate of what is stored, and not stored twice.
    await expect(sut.publish('events.webhook.3', { a: 1 }, { msgID: 'message:m1' })).resolves.toEqual({ stream, seq: 1, duplicate: true });
    expect((await scratch.jsm.streams.info(stream)).state.messages).toBe(2);
    await scratch.admin.flush();
    expect(replyPrefix(seen[2]!.reply)).toBe(replyPrefix(reply1)); // the subscription is reused
  });

  it('matches each ack to its own publish, whatever order the acks come in', async () => {
    const { prefix, stream, sut } = await world();
    const held = await listen(`${prefix}.held.>`);
    const late = sut.publish('held.a', { n: 1 }, { msgID: 'late' });
    let lateSettled = false;
    late.then(
      () => (lateSettled = true),
      () => (lateSettled = true),
    );
    const early = sut.publish('events.a', { n: 2 }, { msgID: 'early' });
    await expect(early).resolves.toEqual({ stream, seq: 1, duplicate: false });
    const heldMsg = await waitFor(() => held[0], 'the held publish');
    expect(lateSettled).toBe(false);

    // Handed to the stream with its own reply subject: JetStream acks it straight to the publisher.
    scratch.admin.publish(`${prefix}.events.b`, heldMsg.data, { reply: heldMsg.reply, headers: heldMsg.headers });
    await expect(late).resolves.toEqual({ stream, seq: 2, duplicate: false });
  });

  it('rejects on a JetStream error, on no responders, and after its timeout', async () => {
    const { prefix, sut } = await world();
    // A stream JetStream itself refuses large messages on (err_code 10054).
    await scratch.jsm.streams.add({ name: `${prefix.toUpperCase()}_SMALL`, subjects: [`${prefix}.small.>`], storage: StorageType.Memory, max_msg_size: 64 });
    const held = await listen(`${prefix}.held.>`);
    const started = performance.now();
    const refused = failureOf(sut.publish('small.a', { text: 'x'.repeat(100) }, { msgID: '1' }));
    const noStream = failureOf(sut.publish('nowhere.b', {}, { msgID: '2' })); // no stream, no subscriber: no responders
    const silent = failureOf(sut.publish('held.c', {}, { msgID: '3', timeoutMs: 60 }));
    expect(await refused).toMatchObject({ name: 'JetStreamPublishError', reason: 'api', errCode: 10054, message: expect.stringContaining('message size exceeds') });
    expect(await noStream).toMatchObject({ reason: 'no_stream', message: expect.stringContaining(`${prefix}.nowhere.b`) });
    expect(await silent).toMatchObject({ reason: 'timeout' });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(55);
    expect(elapsed).toBeLessThan(1000); // its own timeout, not the default 2 s
    expect(held.map((m) => m.subject)).toEqual([`${prefix}.held.c`]); // it was sent; only the ack never came
  });

  it('refuses a header value that would forge further headers, before sending anything', async () => {
    const { stream, sut, sent } = await world();
    const before = sent();
    await expect(sut.publish('events.a', {}, { msgID: 'x\r\nNats-Expected-Stream: other' })).rejects.toThrow(/\\r or \\n/);
    await expect(sut.publish('events.a', {}, { msgID: '1', correlationId: 'c\nNats-Msg-Id: 2' })).rejects.toThrow(/\\r or \\n/);
    await turn();
    expect(sent() - before).toBe(0);
    expect((await scratch.jsm.streams.info(stream)).state.messages).toBe(0);
  });

  it('rejects a payload that cannot be serialised at once, leaving no pending ack to time out unhandled', async () => {
    const { stream, sut, sent } = await world();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const before = sent();
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(sut.publish('events.a', circular, { msgID: '1', timeoutMs: 30 })).rejects.toThrow(/circular/i);
      await new Promise((resolve) => setTimeout(resolve, 120)); // past the timeout and a sweep
      await turn();
      expect(sent() - before).toBe(0);
      expect(unhandled).toEqual([]);
      expect((await scratch.jsm.streams.info(stream)).state.messages).toBe(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('rejects what is pending when the connection closes, and what cannot be sent', async () => {
    const { prefix, service, sut } = await world();
    const held = await listen(`${prefix}.held.>`);
    const pending = failureOf(sut.publish('held.a', {}, { msgID: '1' }));
    await waitFor(() => held[0], 'the held publish'); // sent; its ack never comes

    // More than the server takes in one message (its max_payload): nats.js refuses to send it.
    const tooBig = sut.publish('events.b', { text: 'x'.repeat(service.nc.info!.max_payload) }, { msgID: '2' });
    await expect(tooBig).rejects.toMatchObject({ reason: 'closed', message: expect.stringContaining('max_payload') });

    await service.onApplicationShutdown(); // drains and closes, as a service shutting down does
    expect(await pending).toMatchObject({ reason: 'closed', message: expect.stringContaining('closed before JetStream acked') });
    await expect(sut.publish('events.c', {}, { msgID: '3' })).rejects.toMatchObject({ reason: 'closed', message: expect.stringContaining('could not publish') });
  });

  it('subscribes again when its subscription was closed (e.g. by a permission error)', async () => {
    // A private nats-server: its permissions are reloaded to take the reply subscription away.
    const accounts = (denyInbox: boolean) =>
      `accounts { APP: { jetstream: enabled, users: [ { user: svc, password: pw, permissions: { publish: { allow: [">"] }, subscribe: { allow: [">"]${denyInbox ? ', deny: ["_INBOX.>"]' : ''} } } } ] } }\n`;
    const nats = await PrivateNats.start(accounts(false));
    scratch.cleanups.push(() => nats.stop());
    const service = await NatsConnectionService.connect({ service: 'jetstream-publisher-spec', servers: nats.url, user: 'svc', password: 'pw', prefix: 'p', rpcTimeoutMs: 5000 });
    scratch.cleanups.push(() => service.nc.close());
    await service.jsm.streams.add({ name: 'P_EVENTS', subjects: ['p.events.>'], storage: StorageType.Memory });
    const watcher = await connect({ servers: nats.url, user: 'svc', pass: 'pw' });
    scratch.cleanups.push(() => watcher.close());
    const stored = await listen('p.events.>', watcher);
    const held = await listen('p.held.>', watcher);
    const sut = new JetStreamPublisher(service);

    await expect(sut.publish('events.a', {}, { msgID: '1' })).resolves.toMatchObject({ stream: 'P_EVENTS', seq: 1 });
    const lost = failureOf(sut.publish('held.a', {}, { msgID: '2' }));
    await waitFor(() => held[0], 'the held publish');
    await nats.reload(accounts(true)); // the server removes the reply subscription: "Permissions Violation"
    expect(await lost).toMatchObject({ reason: 'closed', message: expect.stringContaining('Permissions Violation') });

    await nats.reload(accounts(false));
    await expect(sut.publish('events.a', {}, { msgID: '3' })).resolves.toMatchObject({ stream: 'P_EVENTS', seq: 2 });
    await watcher.flush();
    expect(stored).toHaveLength(2);
    expect(replyPrefix(stored[1]!.reply)).not.toBe(replyPrefix(stored[0]!.reply)); // under a new subscription
  });
});
