import { randomBytes } from 'node:crypto';
import { connect, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, RPC_TIMEOUT_HEADER, RpcError } from '@app/contracts';
import { waitFor } from '../../../test/support/wait-for.js';
import type { RetryPolicy } from './notify-retry.js';
import { SuiteClient } from './suite-client.js';

/**
 * Against the real NATS: the bot's SuiteClient on a connection of its own, and on the other side
 * a real responder subscribed to the notify subject (under a prefix of the test's own) that
 * answers each request as scripted. A lost reply is a request it does not answer (TIMEOUT); "no
 * replica" is no subscriber at all, so that NATS itself answers "no responders" (UNAVAILABLE).
 */
const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const TIMEOUT_MS = 100;
const FAST: RetryPolicy = { attempts: 3, delaysMs: [1] };
const NOTIFY = { pageId: '1001', psid: '7001', topic: 'back-in-stock', message: { text: 'It is back!' } };
const ok = { ok: true, data: { recipient_id: '7001', message_id: 'm_1' } };

/** An answer; or none ('silent'); or none and then unsubscribe, so the next request finds no responders ('leave'). */
type Step = { answer: object } | 'silent' | 'leave';

let suiteNc: NatsConnection;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  suiteNc = await connect({ servers: NATS_URL });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

afterAll(async () => {
  await suiteNc?.close();
});

/** The suite's side: a responder on the notify subject that answers each request with the next step (then `ok`). */
class ScriptedSuite {
  readonly received: Array<{ subject: string; body: any; timeoutHeader?: string }> = [];
  private subscription?: Subscription;

  constructor(
    readonly subject: string,
    private readonly steps: Step[],
  ) {}

  async listen(): Promise<void> {
    this.subscription = suiteNc.subscribe(this.subject, { callback: (_error, msg) => this.onRequest(msg) });
    cleanups.push(async () => this.subscription?.unsubscribe());
    await suiteNc.flush(); // NATS knows the responder before the bot asks
  }

  private onRequest(msg: Msg): void {
    this.received.push({ subject: msg.subject, body: msg.json(), timeoutHeader: msg.headers?.get(RPC_TIMEOUT_HEADER) });
    const step = this.steps.shift() ?? { answer: ok };
    if (step === 'silent') return;
    if (step === 'leave') {
      this.subscription!.unsubscribe(); // written at once: the bot's next request comes a timeout later
      return;
    }
    msg.respond(JSON.stringify(step.answer));
  }
}

/** A bot on a connection of its own, a scripted suite listening under a prefix of its own. */
async function world(steps: Step[], policy: RetryPolicy = FAST) {
  const prefix = `nr${randomBytes(4).toString('hex')}`;
  const suite = new ScriptedSuite(`${prefix}.rpc.shop-bot.notification.send`, steps);
  await suite.listen();
  const botNc = await connect({ servers: NATS_URL });
  cleanups.push(() => botNc.close());
  const before = botNc.stats().outMsgs;
  return {
    prefix,
    suite,
    client: new SuiteClient(botNc, prefix, 'shop-bot', TIMEOUT_MS, policy),
    /** Requests the bot has sent, answered or not (the ones nobody received too). */
    requests: () => botNc.stats().outMsgs - before,
    /** Until what the bot sent has reached the suite's side, or found nobody there. */
    settle: async () => {
      await botNc.flush();
      await suiteNc.flush();
    },
  };
}

describe('SuiteClient.notify', () => {
  it('sends a generated idempotency key and sends the same one again after a lost reply', async () => {
    // Attempt 1: received, never answered (TIMEOUT); the suite then leaves, so attempt 2 finds no
    // responders (UNAVAILABLE); it is back before attempt 3, which it answers.
    const { prefix, suite, client, requests, settle } = await world(['leave'], { attempts: 3, delaysMs: [1, 300] });
    const notified = client.notify(NOTIFY);
    await waitFor(() => (requests() >= 2 ? true : undefined), 'the second attempt', 2000);
    await settle();
    expect(suite.received).toHaveLength(1); // attempt 2 reached nobody: NATS answered "no responders"
    await suite.listen();

    await expect(notified).resolves.toEqual({ recipient_id: '7001', message_id: 'm_1' });
    expect(requests()).toBe(3);
    expect(suite.received).toHaveLength(2);
    expect(suite.received[0]!.subject).toBe(`${prefix}.rpc.shop-bot.notification.send`);
    expect(suite.received[0]!.timeoutHeader).toBe(String(TIMEOUT_MS));
    expect(suite.received[0]!.body).toMatchObject(NOTIFY);
    const keys = suite.received.map((r) => r.body.idempotencyKey);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('makes a new key per call, and keeps the caller’s own key', async () => {
    const { suite, client, requests } = await world([]);
    await client.notify(NOTIFY);
    await client.notify(NOTIFY);
    await client.notify({ ...NOTIFY, idempotencyKey: 'order-42:back-in-stock' });
    expect(requests()).toBe(3);
    const keys = suite.received.map((r) => r.body.idempotencyKey);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe('order-42:back-in-stock');
  });

  it('gives up after the last attempt with the last error', async () => {
    const timedOut = await world(['silent', 'silent', 'silent', { answer: ok }]);
    const failure = await timedOut.client.notify(NOTIFY).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RpcError);
    expect((failure as RpcError).code).toBe(ErrorCode.Timeout);
    await timedOut.settle();
    expect(timedOut.requests()).toBe(3);
    expect(timedOut.suite.received).toHaveLength(3); // no fourth attempt, which would have been answered

    // Two lost replies, then no responders: the error is the last one, not the first.
    const gone = await world(['silent', 'leave']);
    const lastFailure = await gone.client.notify(NOTIFY).catch((e: unknown) => e);
    expect((lastFailure as RpcError).code).toBe(ErrorCode.Unavailable);
    await gone.settle();
    expect(gone.requests()).toBe(3);
    expect(gone.suite.received).toHaveLength(2);
  });

  it('does not retry an answer: a refusal, or a send the suite keeps retrying itself', async () => {
    const refused = { ok: false, error: { code: ErrorCode.OtnNoTokenLeft, message: 'none left' } };
    const retrying = { ok: false, error: { code: ErrorCode.Unavailable, message: 'down', details: { sendId: 's', retrying: true } } };
    for (const answer of [refused, retrying]) {
      const { suite, client, requests, settle } = await world([{ answer }]);
      const failure = await client.notify(NOTIFY).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RpcError);
      expect((failure as RpcError).code).toBe(answer.error.code);
      await settle();
      expect(requests()).toBe(1);
      expect(suite.received).toHaveLength(1);
    }
  });

  it('retries while the first request of the key is still in flight on the suite', async () => {
    const inFlight = { ok: false, error: { code: ErrorCode.Unavailable, message: 'still being sent', details: { sendId: 's', inFlight: true } } };
    const { suite, client, requests } = await world([{ answer: inFlight }]);
    await expect(client.notify(NOTIFY)).resolves.toMatchObject({ message_id: 'm_1' });
    expect(requests()).toBe(2);
    expect(suite.received.map((r) => r.body.idempotencyKey)).toEqual([suite.received[0]!.body.idempotencyKey, suite.received[0]!.body.idempotencyKey]);
  });
});
