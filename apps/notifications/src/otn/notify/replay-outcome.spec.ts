import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@app/contracts';
import type { RpcClient } from '@app/messaging';
import { DomainError, ManualClock, type TokenCipher } from '@app/platform';
import { NotificationsSettings } from '../../config/settings.js';
import { replayOutcome, type RecordedSend } from './replay-outcome.js';
import { SendAttempts } from './send-attempts.service.js';
import type { PendingSend, RecordedError, SendLedgerRepository } from './send-ledger.repository.js';

const RETRY = { inlineAttempts: 2, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, intervalMs: 1000, leaseMs: 60_000 };

/** Keeps what SendAttempts writes, as the send row a repeat of the key would read. */
class RowLedger {
  row: RecordedSend = { id: 'send-1', status: 'sending', attempts: 0, messageId: null, recipientId: null, lastError: null, nextAttemptAt: null, sameRequest: true };
  async recordFailed(_id: string, attempts: number, lastError: RecordedError) {
    this.row = { ...this.row, status: 'failed', attempts, lastError, nextAttemptAt: null };
  }
  async recordRejected(_id: string, attempts: number, lastError: RecordedError) {
    this.row = { ...this.row, status: 'rejected', attempts, lastError, nextAttemptAt: null };
  }
  async recordRetry(_id: string, attempts: number, lastError: RecordedError, retryAt: Date) {
    this.row = { ...this.row, status: 'retrying', attempts, lastError, nextAttemptAt: retryAt };
  }
}

function setup() {
  const ledger = new RowLedger();
  const settings = new NotificationsSettings(true, 0, 0, 1000, RETRY, 0);
  const sut = new SendAttempts(ledger as unknown as SendLedgerRepository, {} as RpcClient, {} as TokenCipher, settings, new ManualClock(new Date('2026-01-01T00:00:00Z')));
  const send: PendingSend = { id: 'send-1', appId: 'shop-bot', pageId: '1', psid: '2', message: { text: 'hi' }, sealedToken: 'v1.x', attempts: 0, lastError: null };
  return { sut, ledger, send };
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
  it('answers a sent notify with its message id, and recipient id only when Meta gave one', () => {
    const row = setup().ledger.row;
    expect(replayOutcome({ ...row, status: 'sent', messageId: 'm_1', recipientId: '2' })).toEqual({ kind: 'sent', result: { recipient_id: '2', message_id: 'm_1' } });
    expect(replayOutcome({ ...row, status: 'sent', messageId: 'm_1' })).toEqual({ kind: 'sent', result: { message_id: 'm_1' } });
  });

  it('says in-flight while an attempt of the first request runs', () => {
    expect(replayOutcome(setup().ledger.row)).toEqual({ kind: 'in-flight' });
  });

  it('repeats a refusal before Meta (token given back) with the same error', async () => {
    const { sut, ledger, send } = setup();
    const answered = await sut.recordFinal(send, 1, new DomainError(ErrorCode.NotThreadOwner, 'another app owns the thread'), 'not-sent');
    expectReplayedAs(ledger.row, answered);
  });

  it('flags a refusal before Meta when an earlier attempt may have gone out, and repeats it so', async () => {
    const { sut, ledger, send } = setup();
    const afterTimeout = { ...send, lastError: { code: ErrorCode.Timeout, message: 'slow', ambiguous: true } };
    const answered = await sut.recordFinal(afterTimeout, 2, new DomainError(ErrorCode.NotThreadOwner, 'another app owns the thread'), 'not-sent');
    expect(answered.details).toMatchObject({ previousAttemptAmbiguous: true });
    expect(ledger.row.status).toBe('rejected');
    expectReplayedAs(ledger.row, answered);
  });

  it('repeats a refusal by Meta, with the ambiguity flag when an earlier attempt timed out', async () => {
    const { sut, ledger, send } = setup();
    const refused = await sut.recordFinal(send, 1, graph(100, false), 'token-spent');
    expectReplayedAs(ledger.row, refused);
    const afterTimeout = { ...send, lastError: { code: ErrorCode.Timeout, message: 'slow', ambiguous: true } };
    const answered = await sut.recordFinal(afterTimeout, 2, graph(100, false), 'token-spent');
    expect(answered.details).toMatchObject({ previousAttemptAmbiguous: true });
    expectReplayedAs(ledger.row, answered);
  });

  it('repeats "retrying" (with when) while the retry loop holds the send, and "retries exhausted" after', async () => {
    const { sut, ledger, send } = setup();
    const retrying = await sut.recordTransient(send, 2, graph(1200, false));
    expect(retrying.details).toMatchObject({ retrying: true, attempts: 2 });
    expectReplayedAs(ledger.row, retrying);
    const exhausted = await sut.recordTransient(send, RETRY.maxAttempts, new DomainError(ErrorCode.GraphUnavailable, 'down'));
    expect(exhausted.details).toMatchObject({ retrying: false });
    expectReplayedAs(ledger.row, exhausted);
  });

  it('refuses a key reused for another notification, whatever became of the first', () => {
    const row = setup().ledger.row;
    for (const status of ['sending', 'sent', 'failed'] as const) {
      const outcome = replayOutcome({ ...row, status, messageId: 'm_1', sameRequest: false });
      expect(outcome.kind === 'refused' && outcome.error.code).toBe(ErrorCode.InvalidPayload);
    }
  });
});
