import type { NatsConnection } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RpcError } from '@app/contracts';
import { SuiteClient } from './suite-client.js';

const FAST = { attempts: 3, delaysMs: [1] };
const NOTIFY = { pageId: '1001', psid: '7001', topic: 'back-in-stock', message: { text: 'It is back!' } };
const ok = { ok: true, data: { recipient_id: '7001', message_id: 'm_1' } };

/** A NATS connection that answers each request with the next scripted step (an Error is thrown, like nats.js). */
function scriptedNats(...steps: Array<Error | object>) {
  const sent: Array<{ subject: string; body: any }> = [];
  const nc = {
    async request(subject: string, data: string) {
      sent.push({ subject, body: JSON.parse(data) });
      const step = steps.shift() ?? ok;
      if (step instanceof Error) throw step;
      return { json: () => step };
    },
  } as unknown as NatsConnection;
  return { nc, sent };
}
const client = (nc: NatsConnection) => new SuiteClient(nc, 'mho', 'shop-bot', 50, FAST);

describe('SuiteClient.notify', () => {
  it('sends a generated idempotency key and sends the same one again after a lost reply', async () => {
    const { nc, sent } = scriptedNats(new Error('TIMEOUT'), new Error('503 no responders'));
    await expect(client(nc).notify(NOTIFY)).resolves.toEqual({ recipient_id: '7001', message_id: 'm_1' });
    expect(sent).toHaveLength(3);
    expect(sent[0]!.subject).toBe('mho.rpc.shop-bot.notification.send');
    const keys = sent.map((s) => s.body.idempotencyKey);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
  });

  it('makes a new key per call, and keeps the caller’s own key', async () => {
    const { nc, sent } = scriptedNats();
    await client(nc).notify(NOTIFY);
    await client(nc).notify(NOTIFY);
    await client(nc).notify({ ...NOTIFY, idempotencyKey: 'order-42:back-in-stock' });
    const keys = sent.map((s) => s.body.idempotencyKey);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe('order-42:back-in-stock');
  });

  it('gives up after the last attempt with the last error', async () => {
    const { nc, sent } = scriptedNats(new Error('TIMEOUT'), new Error('TIMEOUT'), new Error('TIMEOUT'), ok);
    const failure = await client(nc).notify(NOTIFY).catch((e: unknown) => e);
    expect((failure as RpcError).code).toBe(ErrorCode.Timeout);
    expect(sent).toHaveLength(3);
  });

  it('does not retry an answer: a refusal, or a send the suite keeps retrying itself', async () => {
    const refused = { ok: false, error: { code: ErrorCode.OtnNoTokenLeft, message: 'none left' } };
    const retrying = { ok: false, error: { code: ErrorCode.Unavailable, message: 'down', details: { sendId: 's', retrying: true } } };
    for (const answer of [refused, retrying]) {
      const { nc, sent } = scriptedNats(answer);
      const failure = await client(nc).notify(NOTIFY).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RpcError);
      expect(sent).toHaveLength(1);
    }
  });

  it('retries while the first request of the key is still in flight on the suite', async () => {
    const inFlight = { ok: false, error: { code: ErrorCode.Unavailable, message: 'still being sent', details: { sendId: 's', inFlight: true } } };
    const { nc, sent } = scriptedNats(inFlight);
    await expect(client(nc).notify(NOTIFY)).resolves.toMatchObject({ message_id: 'm_1' });
    expect(sent).toHaveLength(2);
  });
});
