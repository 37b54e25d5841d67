import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@app/contracts';
import { DomainError, ManualClock, type TokenCipher } from '@app/platform';
import { NotificationsSettings } from '../../apps/notifications/src/config/settings.js';
import { replayOutcome, type RecordedSend } from '../../apps/notifications/src/otn/notify/replay-outcome.js';
import { SendAttempts } from '../../apps/notifications/src/otn/notify/send-attempts.service.js';
import type { SendLedgerRepository, PendingSend } from '../../apps/notifications/src/otn/notify/send-ledger.repository.js';
import { SendReplaysRepository, type KeyedNotify } from '../../apps/notifications/src/otn/notify/send-replays.repository.js';
import type { TokensRepository } from '../../apps/notifications/src/otn/tokens.repository.js';
import type { DeliverStandIn, DeliverReply } from '../../apps/notifications/test/support/deliver-stand-in.js';
import { startOtnStorage, type OtnStorage } from '../../apps/notifications/test/support/otn-storage.js';
import { waitFor } from '../support/wait-for.js';

const RETRY = { inlineAttempts: 2, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, intervalMs: 1000, leaseMs: 60_000 };
const HOUR = 60 * 60 * 1000;
const PAGE = '1001';
const BOT = 'shop-bot';
const TOPIC = 'back-in-stock:sku-42';

let storage: OtnStorage;
let dataSource: DataSource;
let deliver: DeliverStandIn;
let cipher: TokenCipher;
let tokens: TokensRepository;
let ledger: SendLedgerRepository;
let replays: SendReplaysRepository;
let sut: SendAttempts;
const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
let psids = 0;

beforeAll(async () => {
  Logger.overrideLogger(['error', 'fatal']); // the refusals SendAttempts logs are expected here
  storage = await startOtnStorage();
  ({ dataSource, deliver, cipher, tokens, ledger } = storage);
  replays = new SendReplaysRepository(dataSource);
  sut = new SendAttempts(ledger, storage.rpc, cipher, new NotificationsSettings(true, 0, 0, 1000, RETRY, 0), clock);
});

afterAll(async () => {
  await storage?.stop();
});

/**
 * A keyed notify whose token is reserved, as the first request leaves it before its attempt:
 * the user's captured opt-in token, reserved by the ledger with the bot's idempotency key.
 * `row()` reads the send as a repeat of that key finds it.
 */
async function setup() {
  const now = clock.now().getTime();
  const psid = String(++psids);
  const token = `otn-${randomUUID()}`;
  await tokens.insertCaptured({
    pageId: PAGE,
    psid,
    topic: TOPIC,
    sealedToken: cipher.seal(token),
    fingerprint: cipher.fingerprint(token),
    createdAt: new Date(now - HOUR),
    expiresAt: new Date(now + 24 * HOUR),
    eventId: `optin:${randomUUID()}`,
  });
  const keyed: KeyedNotify = { appId: BOT, pageId: PAGE, psid, topic: TOPIC, message: { text: 'It is back!' }, idempotencyKey: `key-${randomUUID()}` };
  const [reservation] = await ledger.reserveOldestTokens([{ id: randomUUID(), ...keyed }], clock.now(), new Date(now + RETRY.leaseMs));
  expect(reservation?.pending).not.toBeNull();
  const send: PendingSend = reservation!.pending!;
  const row = async (): Promise<RecordedSend> => {
    const recorded = await replays.findByKey(keyed);
    expect(recorded).not.toBeNull();
    return recorded!;
  };
  return { send, keyed, row };
}

/** An attempt through DeliverMessage that Meta accepts with `reply`, recorded as SendAttempts records it. */
async function deliverAndRecord(send: PendingSend, reply: DeliverReply & { ok: true }): Promise<void> {
  deliver.reply(reply);
  const outcome = await sut.attempt(send);
  expect(outcome).toEqual({ ok: true, result: reply.data });
  if (outcome.ok) await sut.recordSent(send, 1, outcome.result);
}

const graph = (code: number, isTransient: boolean) => new DomainError(ErrorCode.GraphError, `(#${code}) scripted`, { code, error_subcode: null, is_transient: isTransient });
const body = (error: DomainError) => ({ code: error.code, message: error.message, details: error.details });

/** The replayed error must be the very one the first request was answered with. */
function expectReplayedAs(row: RecordedSend, answered: DomainError) {
  const outcome = replayOutcome(row);
  expect(outcome.kind).toBe('refused');
  if (outcome.kind === 'refused') expect(body(outcome.error)).toEqual(body(answered));
}

describe('replayOutcome (a repeated idempotency key)', () => {
  it('answers a sent notify with its message id, and recipient id only when Meta gave one', async () => {
    const withRecipient = await setup();
    const without = await setup();
    await deliverAndRecord(withRecipient.send, { ok: true, data: { recipient_id: withRecipient.send.psid, message_id: 'm_1' } });
    await deliverAndRecord(without.send, { ok: true, data: { message_id: 'm_2' } });
    expect(replayOutcome(await withRecipient.row())).toEqual({ kind: 'sent', result: { recipient_id: withRecipient.send.psid, message_id: 'm_1' } });
    expect(replayOutcome(await without.row())).toEqual({ kind: 'sent', result: { message_id: 'm_2' } });
  });

  it('says in-flight while an attempt of the first request runs', async () => {
    const { send, row } = await setup();
    const answer = deliver.holdNext();
    const attempt = sut.attempt(send);
    try {
      await waitFor(() => (deliver.calls.some((call) => call.psid === send.psid) ? true : undefined), 'the attempt at DeliverMessage');
      expect(replayOutcome(await row())).toEqual({ kind: 'in-flight' });
    } finally {
      answer();
    }
    const outcome = await attempt;
    if (outcome.ok) await sut.recordSent(send, 1, outcome.result);
    expect(replayOutcome(await row()).kind).toBe('sent');
  });

  it('repeats a refusal before Meta (token given back) with the same error', async () => {
    const { send, row } = await setup();
    const answered = await sut.recordFinal(send, 1, new DomainError(ErrorCode.NotThreadOwner, 'another app owns the thread'), 'not-sent');
    expectReplayedAs(await row(), answered);
  });

  it('flags a refusal before Meta when an earlier attempt may have gone out, and repeats it so', async () => {
    const { send, row } = await setup();
    const afterTimeout = { ...send, lastError: { code: ErrorCode.Timeout, message: 'slow', ambiguous: true } };
    const answered = await sut.recordFinal(afterTimeout, 2, new DomainError(ErrorCode.NotThreadOwner, 'another app owns the thread'), 'not-sent');
    expect(answered.details).toMatchObject({ previousAttemptAmbiguous: true });
    expect((await row()).status).toBe('rejected');
    expectReplayedAs(await row(), answered);
  });

  it('repeats a refusal by Meta, with the ambiguity flag when an earlier attempt timed out', async () => {
    // Two notifies: a settled send is never settled again (the ledger only settles open sends).
    const first = await setup();
    const refused = await sut.recordFinal(first.send, 1, graph(100, false), 'token-spent');
    expectReplayedAs(await first.row(), refused);
    const second = await setup();
    const afterTimeout = { ...second.send, lastError: { code: ErrorCode.Timeout, message: 'slow', ambiguous: true } };
    const answered = await sut.recordFinal(afterTimeout, 2, graph(100, false), 'token-spent');
    expect(answered.details).toMatchObject({ previousAttemptAmbiguous: true });
    expectReplayedAs(await second.row(), answered);
  });

  it('repeats "retrying" (with when) while the retry loop holds the send, and "retries exhausted" after', async () => {
    const { send, row } = await setup();
    const retrying = await sut.recordTransient(send, 2, graph(1200, false));
    expect(retrying.details).toMatchObject({ retrying: true, attempts: 2 });
    expectReplayedAs(await row(), retrying);
    const exhausted = await sut.recordTransient(send, RETRY.maxAttempts, new DomainError(ErrorCode.GraphUnavailable, 'down'));
    expect(exhausted.details).toMatchObject({ retrying: false });
    expectReplayedAs(await row(), exhausted);
  });

  it('refuses a key reused for another notification, whatever became of the first', async () => {
    const sending = await setup();
    const sent = await setup();
    await deliverAndRecord(sent.send, { ok: true, data: { recipient_id: sent.send.psid, message_id: 'm_3' } });
    const failed = await setup();
    await sut.recordFinal(failed.send, 1, graph(100, false), 'token-spent');
    const others = [{ message: { text: 'Something else' } }, { topic: 'price-drop' }, { psid: '999999' }];
    for (const [status, first] of [['sending', sending], ['sent', sent], ['failed', failed]] as const) {
      const row = await first.row();
      expect(row.status).toBe(status);
      expect(row.sameRequest).toBe(true); // the same notify again is a repeat, not a reuse
      for (const other of others) {
        const reused = await replays.findByKey({ ...first.keyed, ...other });
        expect(reused).not.toBeNull();
        const outcome = replayOutcome(reused!);
        expect(outcome.kind === 'refused' && outcome.error.code).toBe(ErrorCode.InvalidPayload);
      }
    }
  });
});
