import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Bot, SuiteClient } from '@app/bot-sdk';
import { botInboxPrefix, ErrorCode, ListAppPages, rpcSubject } from '@app/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNatsConfig } from '../../apps/thread-ownership/src/access/nats-config.js';
import { botNatsUser, deriveNatsPassword } from '@app/messaging';
import { PrivateNats } from '../support/private-nats.js';
import { codeOf } from '../support/rpc-code.js';
import { PAGE_ID, startSuite, type RunningSuite } from '../support/suite.js';
import { waitFor } from '../support/wait-for.js';
import { recordingLogger } from '../support/recording-logger.js';


/**
 * A bot asks the suite which Pages its app is on (`app.pages`), once at start and whenever it
 * likes (`bot.suite.myPages()`), so that an app id registered nowhere says so instead of
 * silently receiving nothing.
 */
describe('bot SDK: which Pages is this app on', () => {
  let suite: RunningSuite;
  let nc: NatsConnection;
  const bots: Bot[] = [];

  const startBot = async (appId: string) => {
    const { logger, lines } = recordingLogger();
    const bot = await Bot.connect({ appId, servers: suite.env.natsUrl, prefix: suite.env.prefix, logger });
    bots.push(bot);
    bot.onMessaging(() => undefined);
    await bot.start();
    return { bot, lines };
  };

  beforeAll(async () => {
    suite = await startSuite();
    await suite.registerPage({
      name: 'Acme shop',
      defaultOwnerAppId: 'shop',
      apps: [{ appId: 'shop' }, { appId: 'helper', canTake: true }, { appId: 'sleepy', subscribed: false }],
    });
    nc = await connect({ servers: suite.env.natsUrl });
  });

  afterAll(async () => {
    for (const bot of bots) await bot.close().catch(() => undefined);
    await nc?.close();
    await suite?.stop();
  });

  it("gives a registered app its Pages, with its role, subscription and default ownership on each; start() only informs", async () => {
    const { bot, lines } = await startBot('shop');
    expect(await bot.suite.myPages()).toEqual({
      data: [{ page_id: PAGE_ID, name: 'Acme shop', role: 'bot', can_take: false, subscribed: true, is_default_owner: true }],
    });
    await waitFor(() => lines.find((l) => l.message === 'registered on Pages'), 'the registration check of start()');
    expect(lines.filter((l) => l.level !== 'info')).toEqual([]);

    const as = (appId: string) => new SuiteClient(nc, suite.env.prefix, appId, 5000).myPages();
    expect((await as('helper')).data).toEqual([expect.objectContaining({ page_id: PAGE_ID, can_take: true, subscribed: true, is_default_owner: false })]);
    expect((await as('sleepy')).data).toEqual([expect.objectContaining({ page_id: PAGE_ID, subscribed: false })]);
  });

  it('warns once, with the app id, when the app is registered on no Page, and starts all the same', async () => {
    // An open NATS server: the bot creates its consumer bot-ghost-bot itself, as documented.
    const { bot, lines } = await startBot('ghost-bot');
    const warning = await waitFor(() => lines.find((l) => l.level === 'warn'), 'the warning of start()');
    expect(warning.fields).toEqual({ appId: 'ghost-bot' });
    expect(warning.message).toMatch(/"ghost-bot" is registered on no Page, so it receives nothing until an operator registers it/);
    expect(warning.message).toContain('PUT /pages/:pageId');
    expect(await bot.suite.myPages()).toEqual({ data: [] });
    expect(lines.filter((l) => l.level !== 'info')).toHaveLength(1);
    expect(await Promise.race([bot.stopped.then(() => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('running'), 200))])).toBe('running');
  });

  it('refuses a request that is not a JSON object with INVALID_PAYLOAD', async () => {
    const subject = `${suite.env.prefix}.${rpcSubject(ListAppPages, 'shop')}`;
    for (const body of ['[]', '"pages"', '', 'not json']) {
      const reply = (await nc.request(subject, body, { timeout: 5000 })).json<{ ok: boolean; error?: { code: string } }>();
      expect(reply, `body ${JSON.stringify(body)}`).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidPayload } });
    }
    expect((await nc.request(subject, '{}', { timeout: 5000 })).json()).toMatchObject({ ok: true, data: { data: [expect.objectContaining({ page_id: PAGE_ID })] } });
  });
});

/** The generated per-bot NATS permissions let a bot ask about itself, and only about itself. */
describe('app.pages under the generated NATS permissions', () => {
  const SECRET = randomBytes(32).toString('base64url');
  const prefix = 'perm';
  let nats: PrivateNats;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await PrivateNats.start(renderNatsConfig({ prefix, appIds: ['alpha'], services: [], secret: SECRET }));
    const user = botNatsUser('alpha');
    nc = await connect({ servers: nats.url, user, pass: deriveNatsPassword(SECRET, user), inboxPrefix: botInboxPrefix('alpha') });
  });

  afterAll(async () => {
    await nc?.close().catch(() => undefined);
    await nats?.stop();
  });

  it('lets alpha publish on its own subject (nobody answers here: UNAVAILABLE) and refuses it on beta’s', async () => {
    expect(await codeOf(new SuiteClient(nc, prefix, 'alpha', 2000).myPages())).toBe(ErrorCode.Unavailable);
    expect(await codeOf(new SuiteClient(nc, prefix, 'beta', 2000).myPages())).toBe(ErrorCode.NotAllowed);
  });
});
