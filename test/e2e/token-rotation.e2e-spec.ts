import 'reflect-metadata';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RpcReply } from '@app/contracts';
import { TokenCipher, type ResealOnBoot } from '@app/platform';
import { bootNotifications, type RunningNotifications } from '../../apps/notifications/test/support/boot.js';
import { DeliverStandIn } from '../../apps/notifications/test/support/deliver-stand-in.js';
import { otnOptInEvent, publishEvent, type Thread } from '../../apps/notifications/test/support/webhook-events.js';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment.js';
import { waitFor } from '../support/wait-for.js';

/**
 * A rotation of TOKEN_ENCRYPTION_KEY, on the real services' storage: the services booted with a
 * new key and the old one in TOKEN_ENCRYPTION_PREVIOUS_KEYS still open what the old key sealed
 * (stored rows, opt-ins stored in the stream before the rotation), re-seal the stored values with
 * the new key, recognise an opt-in captured before the rotation when Meta redelivers it, and leave
 * alone (and report) a value sealed with a key nobody has any more.
 */
const OLD_KEY = randomBytes(32).toString('base64');
const NEW_KEY = randomBytes(32).toString('base64');
const LOST_KEY = randomBytes(32).toString('base64');
const PAGE = '2001';
const BOT = 'shop-bot';
const TOPIC = 'back-in-stock:sku-7';

const oldCipher = new TokenCipher(OLD_KEY);
const newCipher = new TokenCipher(NEW_KEY);
const hmac = (key: string, token: string) => createHmac('sha256', Buffer.from(key, 'base64')).update(token).digest('hex');

/** The first sealed format (no key id), as versions before the rotation support stored it. */
function sealV1(key: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'base64'), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

let env: TestEnvironment;

beforeAll(async () => {
  env = await createTestEnvironment({ TOKEN_ENCRYPTION_KEY: NEW_KEY, TOKEN_ENCRYPTION_PREVIOUS_KEYS: ` ${OLD_KEY} ` });
});

afterAll(async () => {
  await env?.cleanup();
});

describe('notifications after a key rotation', () => {
  let nc: NatsConnection;
  let js: JetStreamClient;
  let db: pg.Client;
  let deliver: DeliverStandIn;
  let svc: RunningNotifications;
  let psid = 100;
  const newThread = (): Thread => ({ pageId: PAGE, psid: String(++psid) });

  beforeAll(async () => {
    nc = await connect({ servers: env.natsUrl });
    js = jetstream(nc);
    deliver = new DeliverStandIn(nc, env.prefix).start();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    svc = await bootNotifications();
    const settings = await fetch(`${svc.baseUrl}/pages/${PAGE}/settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${process.env.ADMIN_API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ otnEnabled: true }),
    });
    expect(settings.status).toBe(200);
  });

  afterAll(async () => {
    await svc?.close();
    await deliver?.stop();
    await db?.end();
    await nc?.close();
  });

  const tokenRows = async (thread: Thread) =>
    (await db.query<{ sealed_token: string; fingerprint: string }>('SELECT sealed_token, fingerprint FROM notifications.otn_tokens WHERE page_id = $1 AND psid = $2 ORDER BY id', [thread.pageId, thread.psid])).rows;
  /** A token row as a version before the rotation stored it. */
  const storeAsBefore = (thread: Thread, sealed: string, fingerprint: string) =>
    db.query(
      `INSERT INTO notifications.otn_tokens (page_id, psid, topic, sealed_token, fingerprint, created_at, expires_at, event_id)
       VALUES ($1, $2, $3, $4, $5, now(), now() + interval '300 days', $6)`,
      [thread.pageId, thread.psid, TOPIC, sealed, fingerprint, `optin:${thread.psid}`],
    );
  const ingest = async (thread: Thread, sealedWith: TokenCipher, token: string) => {
    const seq = await publishEvent(js, env.prefix, otnOptInEvent(sealedWith, thread, TOPIC, token, Date.now()));
    await waitFor(async () => {
      const { rows } = await db.query('SELECT last_event_seq FROM notifications.thread_windows WHERE page_id = $1 AND psid = $2', [thread.pageId, thread.psid]);
      return rows[0] && Number(rows[0].last_event_seq) >= seq ? true : undefined;
    }, `event ${seq} processed`);
  };
  const reseal = async () => {
    const { OtnTokensReseal } = await import('../../apps/notifications/src/otn/otn-tokens-reseal.js');
    const job: ResealOnBoot = svc.app.get(OtnTokensReseal);
    job.onApplicationBootstrap();
    await job.done;
  };
  const notify = async (thread: Thread): Promise<RpcReply> =>
    (await nc.request(`${env.prefix}.rpc.${BOT}.notification.send`, JSON.stringify({ ...thread, topic: TOPIC, message: { text: 'Back!' } }), { timeout: 15_000 })).json<RpcReply>();

  it('captures an opt-in the ingress sealed with the old key, and stores it sealed with the new one', async () => {
    const thread = newThread();
    await ingest(thread, oldCipher, 'otn-token-captured-after');
    const rows = await tokenRows(thread);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.sealed_token.startsWith(newCipher.currentPrefix())).toBe(true);
    expect(rows[0]?.fingerprint).toBe(hmac(NEW_KEY, 'otn-token-captured-after'));
  });

  it('does not capture twice an opt-in stored before the rotation when Meta redelivers it, before or after the re-seal', async () => {
    const thread = newThread();
    await storeAsBefore(thread, oldCipher.seal('otn-token-before'), hmac(OLD_KEY, 'otn-token-before'));
    await ingest(thread, oldCipher, 'otn-token-before'); // a new keyed event id after the rotation: not deduped by the stream
    expect(await tokenRows(thread)).toHaveLength(1);
    await reseal();
    await ingest(thread, oldCipher, 'otn-token-before');
    const rows = await tokenRows(thread);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.fingerprint).toBe(hmac(NEW_KEY, 'otn-token-before'));
  });

  it('re-seals stored tokens of the old key (both formats) with the new key, and a notify spends the same token', async () => {
    const [v2, v1] = [newThread(), newThread()];
    await storeAsBefore(v2, oldCipher.seal('otn-token-v2'), hmac(OLD_KEY, 'otn-token-v2'));
    await storeAsBefore(v1, sealV1(OLD_KEY, 'otn-token-v1'), hmac(OLD_KEY, 'otn-token-v1'));
    await reseal();
    for (const [thread, token] of [[v2, 'otn-token-v2'], [v1, 'otn-token-v1']] as const) {
      const [row] = await tokenRows(thread);
      expect(row?.sealed_token.startsWith(newCipher.currentPrefix())).toBe(true);
      expect(newCipher.open(row!.sealed_token)).toBe(token);
      expect(row?.fingerprint).toBe(hmac(NEW_KEY, token));
      const reply = await notify(thread);
      expect(reply.ok).toBe(true);
      const call = deliver.calls.find((c) => c.psid === thread.psid);
      expect(newCipher.open(call!.sealedOneTimeNotifToken!)).toBe(token);
    }
  });

  it('leaves a token sealed with a key it does not have as it is, and still re-seals the others', async () => {
    const [lost, kept] = [newThread(), newThread()];
    const lostValue = new TokenCipher(LOST_KEY).seal('otn-token-lost');
    await storeAsBefore(lost, lostValue, hmac(LOST_KEY, 'otn-token-lost'));
    await storeAsBefore(kept, oldCipher.seal('otn-token-kept'), hmac(OLD_KEY, 'otn-token-kept'));
    await reseal();
    expect((await tokenRows(lost))[0]?.sealed_token).toBe(lostValue);
    expect((await tokenRows(kept))[0]?.sealed_token.startsWith(newCipher.currentPrefix())).toBe(true);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications.otn_tokens WHERE NOT starts_with(sealed_token, $1)`, [newCipher.currentPrefix()]);
    expect(rows[0]?.n).toBe(1);
  });
});

describe('thread-ownership Page tokens after a key rotation', () => {
  let dataSource: DataSource;
  let pages: import('../../apps/thread-ownership/src/pages/pages.repository.js').PagesRepository;
  let job: ResealOnBoot;
  const rotated = new TokenCipher(NEW_KEY, [OLD_KEY]);
  /** The Pages every replica was told to forget (PagesService.invalidate broadcasts it). */
  const invalidated: string[] = [];

  beforeAll(async () => {
    const { threadOwnershipDataSourceOptions } = await import('../../apps/thread-ownership/src/data-source.js');
    const { PagesRepository } = await import('../../apps/thread-ownership/src/pages/pages.repository.js');
    const { PageTokensReseal } = await import('../../apps/thread-ownership/src/pages/page-tokens-reseal.js');
    dataSource = new DataSource(threadOwnershipDataSourceOptions(env.databaseUrl));
    await dataSource.initialize();
    await dataSource.query('CREATE SCHEMA IF NOT EXISTS thread_ownership');
    await dataSource.runMigrations();
    pages = new PagesRepository(dataSource);
    const registry = { invalidate: async (pageId: string) => void invalidated.push(pageId) } as unknown as import('../../apps/thread-ownership/src/pages/pages.service.js').PagesService;
    job = new PageTokensReseal(rotated, pages, registry);
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  const install = (id: string, sealed: string) => pages.upsertToken({ id, name: null, accessTokenSealed: sealed, checkedAt: new Date() }, []);
  const sealedOf = async (id: string) => (await pages.findPage(id))?.accessTokenSealed as string;

  it('re-seals every Page token of an old key at boot, keeps the token and the Page\u2019s registration time', async () => {
    const ids = Array.from({ length: 5 }, (_, i) => String(3000 + i));
    for (const id of ids) await install(id, Number(id) % 2 ? sealV1(OLD_KEY, `page-token-${id}`) : oldCipher.seal(`page-token-${id}`));
    await install('3100', rotated.seal('page-token-3100'));
    const untouched = await sealedOf('3100');
    const updatedBefore = (await pages.findPage('3000'))?.updatedAt;
    job.onApplicationBootstrap(); // what a boot with TOKEN_ENCRYPTION_PREVIOUS_KEYS set does
    await job.done;
    expect([...invalidated].sort()).toEqual(ids); // the cached copies of the re-sealed Pages are forgotten
    for (const id of ids) {
      const sealed = await sealedOf(id);
      expect(sealed.startsWith(rotated.currentPrefix())).toBe(true);
      expect(newCipher.open(sealed)).toBe(`page-token-${id}`);
    }
    expect(await sealedOf('3100')).toBe(untouched);
    expect((await pages.findPage('3000'))?.updatedAt).toEqual(updatedBefore);
    const after = await Promise.all([...ids, '3100'].map(sealedOf));
    const { resealAll } = await import('@app/platform');
    expect(await resealAll(rotated, pages, { batchSize: 2 })).toEqual({ resealed: 0, unreadable: 0 }); // nothing left to do
    expect(await Promise.all([...ids, '3100'].map(sealedOf))).toEqual(after);
  });

  it('pages through a table by key, batch after batch, and counts what no key opens', async () => {
    const ids = ['3300', '3301', '3302', '3303', '3304'];
    for (const id of ids) await install(id, oldCipher.seal(`page-token-${id}`));
    await install('3305', new TokenCipher(LOST_KEY).seal('page-token-lost'));
    const { resealAll } = await import('@app/platform');
    expect(await resealAll(rotated, pages, { batchSize: 2 })).toEqual({ resealed: 5, unreadable: 1 });
    for (const id of ids) expect(newCipher.open(await sealedOf(id))).toBe(`page-token-${id}`);
    await pages.replaceSealed([{ id: '3305', from: await sealedOf('3305'), sealed: rotated.seal('x'), fingerprint: '' }]); // out of the way of later tests
  });

  it('does not overwrite a token that changed after it was read', async () => {
    await install('3200', oldCipher.seal('page-token-old'));
    const [read] = await pages.notSealedWith(rotated.currentPrefix(), '3199', 10);
    expect(read?.id).toBe('3200');
    await install('3200', rotated.seal('page-token-new')); // a new install between the read and the write
    const written = await pages.replaceSealed([{ id: '3200', from: read!.sealed, sealed: rotated.seal('page-token-old'), fingerprint: '' }]);
    expect(written).toBe(0);
    expect(newCipher.open(await sealedOf('3200'))).toBe('page-token-new');
  });
});
