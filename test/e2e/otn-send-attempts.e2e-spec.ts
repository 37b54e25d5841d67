import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger, type LoggerService } from '@nestjs/common';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendResult } from '@app/contracts';
import { BRIEF_RETRY_DELAYS_MS, ManualClock, type TokenCipher } from '@app/platform';
import { NotificationsSettings } from '../../apps/notifications/src/config/settings.js';
import { SendAttempts } from '../../apps/notifications/src/otn/notify/send-attempts.service.js';
import type { SendLedgerRepository, PendingSend } from '../../apps/notifications/src/otn/notify/send-ledger.repository.js';
import type { TokensRepository } from '../../apps/notifications/src/otn/tokens.repository.js';
import type { DeliverStandIn } from '../../apps/notifications/test/support/deliver-stand-in.js';
import { startOtnStorage, type OtnStorage } from '../../apps/notifications/test/support/otn-storage.js';
import { waitFor } from '../support/wait-for.js';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RETRY = { inlineAttempts: 2, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, intervalMs: 1000, leaseMs: 60_000 };
const HOUR = 60 * 60 * 1000;
const PAGE = '1001';
const BOT = 'shop-bot';
const TOPIC = 'back-in-stock:sku-42';
const RETRYING = 'delivered notifications not recorded yet; trying again';

/** Keeps what SendAttempts logs: each write of a delivered notification tried again is one warning. */
class WarningLog implements LoggerService {
  readonly warnings: Array<{ fields: Record<string, unknown>; message: unknown }> = [];
  log(): void {}
  error(): void {}
  warn(fields: unknown, message?: unknown): void {
    this.warnings.push({ fields: fields as Record<string, unknown>, message });
  }
}

let storage: OtnStorage;
let dataSource: DataSource;
let admin: pg.Client;
let database: string;
let deliver: DeliverStandIn;
let cipher: TokenCipher;
let tokens: TokensRepository;
let ledger: SendLedgerRepository;
let attempts: SendAttempts;
const logged = new WarningLog();
const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
let psids = 0;

beforeAll(async () => {
  Logger.overrideLogger(logged);
  storage = await startOtnStorage();
  ({ dataSource, deliver, cipher, tokens, ledger } = storage);
  database = new URL(storage.env.databaseUrl).pathname.slice(1);
  attempts = new SendAttempts(ledger, storage.rpc, cipher, new NotificationsSettings(true, 0, 0, 1000, RETRY, 0), clock);
  // Connected to the server's maintenance database, so taking the test database away leaves it alone.
  admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
});

afterAll(async () => {
  await admin?.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`).catch(() => undefined);
  await admin?.end();
  await storage?.stop();
});

/** A user's opt-in token, captured as the capture path stores it, and reserved by a notify: the send an attempt delivers. */
async function reservedSend(): Promise<PendingSend> {
  const now = clock.now().getTime();
  const thread = { pageId: PAGE, psid: String(++psids), topic: TOPIC };
  const token = `otn-${randomUUID()}`;
  const eventId = `optin:${randomUUID()}`;
  await tokens.insertCaptured({ ...thread, sealedToken: cipher.seal(token), fingerprint: cipher.fingerprint(token), createdAt: new Date(now - HOUR), expiresAt: new Date(now + 24 * HOUR), eventId });
  const request = { id: randomUUID(), appId: BOT, ...thread, message: { text: 'It is back!' }, idempotencyKey: null };
  const [reservation] = await ledger.reserveOldestTokens([request], clock.now(), new Date(now + RETRY.leaseMs));
  expect(reservation?.pending).not.toBeNull();
  return reservation!.pending!;
}

/** Delivers the send through DeliverMessage (the stand-in answers as Meta would have). */
async function delivered(send: PendingSend, messageId: string): Promise<SendResult> {
  deliver.reply({ ok: true, data: { recipient_id: send.psid, message_id: messageId } });
  const outcome = await attempts.attempt(send);
  expect(outcome).toEqual({ ok: true, result: { recipient_id: send.psid, message_id: messageId } });
  return (outcome as { result: SendResult }).result;
}

/** A PostgreSQL restart as the service sees it: its connections are cut and new ones refused. */
async function takeDatabaseAway(): Promise<void> {
  await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
  await admin.query('SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = $1', [database]);
}

const bringDatabaseBack = () => admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);

const retriesSince = (from: number) => logged.warnings.slice(from).filter((w) => w.message === RETRYING);

async function sendAndToken(sendId: string) {
  const rows = await dataSource.query(
    `SELECT s.status, s.attempts, s.message_id, s.recipient_id, t.state AS token_state
     FROM notifications.otn_sends s JOIN notifications.otn_tokens t ON t.id = s.token_id WHERE s.id = $1`,
    [sendId],
  );
  return rows[0];
}

describe('SendAttempts.recordSent (Meta has the message)', () => {
  it('records it through a database that is away for a moment', async () => {
    const send = await reservedSend();
    const result = await delivered(send, 'm_1');
    const from = logged.warnings.length;
    await takeDatabaseAway();
    let recording: Promise<SendResult>;
    try {
      let settled = false;
      recording = attempts.recordSent(send, 1, result);
      recording.then(
        () => (settled = true),
        () => (settled = true), // awaited below
      );
      // Back after two failed writes (the third try is 250 ms away by then).
      await waitFor(() => (settled || retriesSince(from).length >= 2 ? true : undefined), 'two failed writes');
    } finally {
      await bringDatabaseBack();
    }
    await expect(recording).resolves.toEqual({ recipient_id: send.psid, message_id: 'm_1' });
    const failures = retriesSince(from);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures.length).toBeLessThan(BRIEF_RETRY_DELAYS_MS.length); // it did not run out of tries
    expect(failures.map((w) => w.fields.attempt)).toEqual(failures.map((_, i) => i + 1)); // then one successful write
    expect(await sendAndToken(send.id)).toEqual({ status: 'sent', attempts: 1, message_id: 'm_1', recipient_id: send.psid, token_state: 'used' });
  });

  it('gives up after about 3 s of a database that stays away', async () => {
    const send = await reservedSend();
    const result = await delivered(send, 'm_2');
    const from = logged.warnings.length;
    await takeDatabaseAway();
    const started = performance.now();
    try {
      await expect(attempts.recordSent(send, 1, result)).rejects.toThrow(/not currently accepting connections/);
    } finally {
      await bringDatabaseBack();
    }
    const elapsed = performance.now() - started;
    // Six tries with the five pauses of retryBriefly between them: 3.35 s in all.
    expect(retriesSince(from)).toHaveLength(BRIEF_RETRY_DELAYS_MS.length);
    const pauses = BRIEF_RETRY_DELAYS_MS.reduce((sum, ms) => sum + ms, 0);
    expect(elapsed).toBeGreaterThanOrEqual(pauses - 20); // timers may fire a few ms early
    expect(elapsed).toBeLessThan(pauses + 2_500); // a refused connection is quick: no other wait
    // Nothing recorded: the send stays open, for the retry loop.
    expect(await sendAndToken(send.id)).toEqual({ status: 'sending', attempts: 0, message_id: null, recipient_id: null, token_state: 'reserved' });
  }, 15_000);
});
