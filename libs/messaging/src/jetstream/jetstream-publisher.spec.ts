import { describe, expect, it } from 'vitest';
import { MsgHdrsImpl } from '@nats-io/nats-core';
import type { EncodedHeaders } from './publish-headers.js';
import type { NatsConnectionService } from '../connection/nats-connection.service.js';
import { WriteCoalescer } from '../connection/write-coalescer.js';
import { JetStreamPublisher } from './jetstream-publisher.js';

interface Sent {
  subject: string;
  data: Uint8Array;
  reply: string;
  headers: EncodedHeaders;
}
type ReplyCallback = (error: Error | null, msg: { subject: string; data: Uint8Array; headers?: { code: number } }) => void;

/** Just enough of a NATS connection: records publishes, lets the test answer on the reply subject. */
function fakeNats() {
  const sent: Sent[] = [];
  const subscriptions: Array<{ subject: string; callback: ReplyCallback; closed: boolean }> = [];
  let close!: () => void;
  const closed = new Promise<void>((resolve) => (close = resolve));
  const state = { closed: false, publishThrows: undefined as Error | undefined };
  const nc = {
    options: { inboxPrefix: '_INBOX_svc' },
    subscribe: (subject: string, { callback }: { callback: ReplyCallback }) => {
      const subscription = { subject, callback, closed: false };
      subscriptions.push(subscription);
      return { isClosed: () => subscription.closed };
    },
    publish: (subject: string, data: Uint8Array, { reply, headers }: { reply: string; headers: EncodedHeaders }) => {
      if (state.publishThrows) throw state.publishThrows;
      sent.push({ subject, data, reply, headers });
    },
    closed: () => closed,
  };
  const service = { nc, writes: new WriteCoalescer(), subject: (relative: string) => `p.${relative}` } as unknown as NatsConnectionService;
  const answer = (to: Sent, body: string, code?: number) => {
    const subscription = subscriptions.find((s) => to.reply.startsWith(s.subject.slice(0, -1)))!;
    subscription.callback(null, { subject: to.reply, data: new TextEncoder().encode(body), headers: code ? { code } : undefined });
  };
  const closeConnection = () => {
    state.closed = true;
    for (const s of subscriptions) s.closed = true;
    close();
  };
  return { service, sent, subscriptions, state, answer, closeConnection };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('JetStreamPublisher', () => {
  it('publishes with a reply subject under one subscription of its own and resolves with the ack', async () => {
    const nats = fakeNats();
    const sut = new JetStreamPublisher(nats.service);
    const first = sut.publish('events.webhook.3', { a: 1 }, { msgID: 'message:m1', correlationId: 'c-1' });
    const second = sut.publish('events.webhook.4', { b: 2 }, { msgID: 'message:m2' });
    expect(nats.sent).toHaveLength(0); // sent together at the end of the turn
    await turn();

    expect(nats.subscriptions).toHaveLength(1);
    expect(nats.subscriptions[0]!.subject).toMatch(/^_INBOX_svc\.[A-Za-z0-9]+\.\*$/);
    expect(nats.sent.map((s) => [s.subject, Buffer.from(s.data).toString()])).toEqual([
      ['p.events.webhook.3', '{"a":1}'],
      ['p.events.webhook.4', '{"b":2}'],
    ]);
    const headersOf = (sent: Sent) => MsgHdrsImpl.decode(sent.headers.encode());
    expect(headersOf(nats.sent[0]!).get('Nats-Msg-Id')).toBe('message:m1');
    expect(headersOf(nats.sent[0]!).get('x-correlation-id')).toBe('c-1');
    expect(headersOf(nats.sent[1]!).has('x-correlation-id')).toBe(false);
    expect(nats.sent[0]!.reply).not.toBe(nats.sent[1]!.reply);

    nats.answer(nats.sent[1]!, '{"stream":"P_EVENTS","seq":2,"duplicate":true}');
    nats.answer(nats.sent[0]!, '{"stream":"P_EVENTS","seq":1}');
    await expect(first).resolves.toEqual({ stream: 'P_EVENTS', seq: 1, duplicate: false });
    await expect(second).resolves.toEqual({ stream: 'P_EVENTS', seq: 2, duplicate: true });
  });

  it('rejects on a JetStream error, on no responders, and after its timeout', async () => {
    const nats = fakeNats();
    const sut = new JetStreamPublisher(nats.service);
    const refused = sut.publish('events.a', {}, { msgID: '1' });
    const noStream = sut.publish('events.b', {}, { msgID: '2' });
    const silent = sut.publish('events.c', {}, { msgID: '3', timeoutMs: 60 });
    await turn();
    nats.answer(nats.sent[0]!, '{"error":{"code":400,"err_code":10060,"description":"expected stream does not match"}}');
    nats.answer(nats.sent[1]!, '', 503);
    await expect(refused).rejects.toMatchObject({ reason: 'api', errCode: 10060 });
    await expect(noStream).rejects.toMatchObject({ reason: 'no_stream' });
    const started = performance.now();
    await expect(silent).rejects.toMatchObject({ reason: 'timeout' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('refuses a header value that would forge further headers, before sending anything', async () => {
    const nats = fakeNats();
    const sut = new JetStreamPublisher(nats.service);
    await expect(sut.publish('events.a', {}, { msgID: 'x\r\nNats-Expected-Stream: other' })).rejects.toThrow(/\\r or \\n/);
    await turn();
    expect(nats.sent).toHaveLength(0);
  });

  it('rejects a payload that cannot be serialised at once, leaving no pending ack to time out unhandled', async () => {
    const nats = fakeNats();
    const sut = new JetStreamPublisher(nats.service);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(sut.publish('events.a', circular, { msgID: '1', timeoutMs: 30 })).rejects.toThrow(/circular/i);
      await new Promise((resolve) => setTimeout(resolve, 120)); // past the timeout and a sweep
      await turn();
      expect(nats.sent).toHaveLength(0);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('rejects what is pending when the connection closes, and what cannot be sent', async () => {
    const nats = fakeNats();
    const sut = new JetStreamPublisher(nats.service);
    const pending = sut.publish('events.a', {}, { msgID: '1' });
    await turn();
    nats.state.publishThrows = new Error('connection draining');
    const unsent = sut.publish('events.b', {}, { msgID: '2' });
    await expect(unsent).rejects.toMatchObject({ reason: 'closed', message: expect.stringContaining('draining') });
    nats.closeConnection();
    await expect(pending).rejects.toMatchObject({ reason: 'closed' });
  });

  it('subscribes again when its subscription was closed (e.g. by a permission error)', async () => {
    const nats = fakeNats();
    const sut = new JetStreamPublisher(nats.service);
    const lost = sut.publish('events.a', {}, { msgID: '1' });
    nats.subscriptions[0]!.callback(new Error('Permissions Violation for Subscription'), { subject: '', data: new Uint8Array(0) });
    nats.subscriptions[0]!.closed = true;
    await expect(lost).rejects.toMatchObject({ reason: 'closed', message: expect.stringContaining('Permissions Violation') });

    const next = sut.publish('events.a', {}, { msgID: '2' });
    await turn();
    expect(nats.subscriptions).toHaveLength(2);
    nats.answer(nats.sent.at(-1)!, '{"stream":"S","seq":5}');
    await expect(next).resolves.toMatchObject({ seq: 5 });
  });
});
