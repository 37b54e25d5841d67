import { describe, expect, it } from 'vitest';
import type { RpcClient } from '@app/messaging';
import { ManualClock, type TokenCipher } from '@app/platform';
import { NotificationsSettings } from '../../config/settings.js';
import { SendAttempts } from './send-attempts.service.js';
import type { PendingSend, SendLedgerRepository, SentRecord } from './send-ledger.repository.js';

const RETRY = { inlineAttempts: 2, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, intervalMs: 1000, leaseMs: 60_000 };
const send: PendingSend = { id: 'send-1', appId: 'shop-bot', pageId: '1', psid: '2', message: { text: 'hi' }, sealedToken: 'v1.x', attempts: 0, lastError: null };

/** The database side of a delivered notification, failing its first `failures` writes. */
class FlakyLedger {
  written: SentRecord[] = [];
  calls = 0;
  constructor(private failures: number) {}
  async recordSentBatch(batch: SentRecord[]) {
    this.calls++;
    if (this.failures-- > 0) throw new Error('Connection terminated unexpectedly');
    this.written.push(...batch);
  }
}

const attemptsWith = (ledger: FlakyLedger) =>
  new SendAttempts(ledger as unknown as SendLedgerRepository, {} as RpcClient, {} as TokenCipher, new NotificationsSettings(true, 0, 0, 1000, RETRY, 0), new ManualClock(new Date('2026-01-01T00:00:00Z')));

describe('SendAttempts.recordSent (Meta has the message)', () => {
  it('records it through a database that is away for a moment', async () => {
    const ledger = new FlakyLedger(2);
    const result = await attemptsWith(ledger).recordSent(send, 1, { recipient_id: '2', message_id: 'm_1' });
    expect(result).toEqual({ recipient_id: '2', message_id: 'm_1' });
    expect(ledger.calls).toBe(3);
    expect(ledger.written).toMatchObject([{ sendId: 'send-1', messageId: 'm_1' }]);
  });

  it('gives up after about 3 s of a database that stays away', async () => {
    const ledger = new FlakyLedger(Infinity);
    await expect(attemptsWith(ledger).recordSent(send, 1, { message_id: 'm_1' })).rejects.toThrow(/terminated/);
    expect(ledger.calls).toBe(6);
  }, 10_000);
});
