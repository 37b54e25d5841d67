import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { SuiteClient } from '@app/bot-sdk';
import { botConsumerName, ErrorCode, GetMessagingWindow, ListAppPages, RpcError, rpcSubject, streamName, THREAD_OWNER_CHANGED_SUBJECT } from '@app/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNatsConfig } from '../../apps/thread-ownership/src/access/nats-config.js';
import { deriveNatsPassword, serviceNatsUser } from '@app/messaging';
import { PrivateNats } from '../support/private-nats.js';
import { RecordingBot, textOf } from '../support/recording-bot.js';
import { ADMIN_TOKEN, PAGE_ID, startSuite, type RunningSuite } from '../support/suite.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = randomBytes(32).toString('base64url');
const SERVICES = ['ingress', 'thread-ownership', 'notifications', 'console'];

/** The error a promise rejects with, as text ('no error' if it resolves). */
const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
};

/**
 * Issue 6: every bot app has its own NATS user, generated from the Page registry. On a private
 * nats-server running that configuration, bot A can neither read bot B's events nor act as B,
 * and can still do everything it needs as itself.
 */
describe('NATS access control per bot app', () => {
  let nats: PrivateNats;
  let suite: RunningSuite;
  let alpha: RecordingBot;
  let beta: RecordingBot;
  /** A raw connection with alpha's credentials: what a malicious alpha could try. */
  let rogue: NatsConnection;
  let prefix: string;
  let bots: string;

  beforeAll(async () => {
    // Boot: services only (no app is registered yet).
    nats = await PrivateNats.start(renderNatsConfig({ prefix: 'boot', appIds: [], services: SERVICES, secret: SECRET }));
    const service = serviceNatsUser('thread-ownership');
    suite = await startSuite({
      NATS_URL: nats.url,
      NATS_USER: service,
      NATS_PASSWORD: deriveNatsPassword(SECRET, service),
      NATS_CREDENTIALS_SECRET: SECRET,
    });
    prefix = suite.env.prefix;
    bots = streamName(prefix, 'BOTS');
    await suite.registerPage({ defaultOwnerAppId: 'alpha', apps: [{ appId: 'alpha' }, { appId: 'beta' }] });

    // The operator's workflow: fetch the configuration for the registry, reload the server.
    const response = await fetch(`${suite.adminUrl}/access/nats-config`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    const config = await response.text();
    expect(config).toContain('"bot-alpha"');
    expect(config).toContain('"bot-beta"');
    expect(config).toContain('"svc-console"');
    await nats.reload(config);

    const credentials = async (appId: string) => (await suite.admin('GET', `/access/bots/${appId}`)).body;
    const alphaAccess = await credentials('alpha');
    expect(alphaAccess).toMatchObject({ user: 'bot-alpha', inboxPrefix: '_INBOX_alpha', consumer: 'bot-alpha', stream: bots });
    const betaAccess = await credentials('beta');
    alpha = await RecordingBot.start({ appId: 'alpha', servers: nats.url, prefix, user: alphaAccess.user, password: alphaAccess.password });
    beta = await RecordingBot.start({ appId: 'beta', servers: nats.url, prefix, user: betaAccess.user, password: betaAccess.password });
    rogue = await connect({ servers: nats.url, user: alphaAccess.user, pass: alphaAccess.password, inboxPrefix: alphaAccess.inboxPrefix });
  });

  afterAll(async () => {
    await rogue?.close().catch(() => undefined);
    await Promise.all([alpha, beta].map((b) => b?.close().catch(() => undefined)));
    await suite?.stop();
    await nats?.stop();
  });

  it('lets each bot consume its own events and call the suite as itself', async () => {
    const psid = '6100001';
    await suite.user.sendText(psid, 'hello alpha');
    const owned = await alpha.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'hello alpha', 'the message');
    expect(owned.ownerAppId).toBe('alpha');
    await beta.waitFor('standby', (e) => e.psid === psid && textOf(e) === 'hello alpha', 'the standby copy');

    const owner = await alpha.suite.threadOwner({ pageId: PAGE_ID, psid });
    expect(owner.data[0]?.thread_owner.app_id).toBe('alpha');
    await alpha.suite.passThreadControl({ pageId: PAGE_ID, psid, targetAppId: 'beta', metadata: 'yours' });
    await beta.waitFor('handover', (e) => e.psid === psid && e.kind === 'pass_thread_control', 'the pass');
    expect((await beta.suite.threadOwner({ pageId: PAGE_ID, psid })).data[0]?.thread_owner.app_id).toBe('beta');
  });

  it('does not let a bot use a service as its proxy: a reply subject that is not its inbox gets no answer', async () => {
    // The services may publish anywhere; a reply at a JetStream API subject would be a purge done
    // on the bot's behalf (JetStream takes any JSON body as the request).
    const user = serviceNatsUser('thread-ownership');
    const admin = await connect({ servers: nats.url, user, pass: deriveNatsPassword(SECRET, user) });
    const jsm = await jetstreamManager(admin);
    const before = (await jsm.streams.info(bots)).state.messages;
    expect(before).toBeGreaterThan(0); // the first test's events
    for (const reply of [`$JS.API.STREAM.PURGE.${bots}`, `${prefix}.bot.beta.messaging`, '_INBOX_beta.stolen']) {
      rogue.publish(`${prefix}.${rpcSubject(ListAppPages, 'alpha')}`, '{}', { reply });
    }
    // Its own inbox is answered, after those three (one connection, in order): they had their turn.
    expect((await rogue.request(`${prefix}.${rpcSubject(ListAppPages, 'alpha')}`, '{}', { timeout: 3000 })).json()).toMatchObject({ ok: true });
    await rogue.flush();
    expect((await jsm.streams.info(bots)).state.messages).toBe(before);
    // And the streams themselves refuse a purge, even from a service.
    await expect(jsm.streams.purge(bots)).rejects.toThrow(/purge not permitted/);
    await admin.close();
  });

  it("lets the console's service user do what the console does", async () => {
    const user = serviceNatsUser('console');
    const nc = await connect({ servers: nats.url, user, pass: deriveNatsPassword(SECRET, user), reconnect: false });
    try {
      // Its own durable consumers on EVENTS and BOTS (created, read, pulled, acked), stream info …
      const jsm = await jetstreamManager(nc);
      const events = streamName(prefix, 'EVENTS');
      await jsm.consumers.add(events, { durable_name: 'console-check', ack_policy: AckPolicy.Explicit, filter_subject: `${prefix}.${THREAD_OWNER_CHANGED_SUBJECT}` });
      expect((await jsm.consumers.info(events, 'console-check')).name).toBe('console-check');
      expect((await jsm.streams.info(bots)).config.name).toBe(bots);
      await jsm.consumers.add(bots, { durable_name: 'console-check', ack_policy: AckPolicy.Explicit, filter_subject: `${prefix}.bot.>` });
      const delivery = await (await jetstream(nc).consumers.get(bots, 'console-check')).next({ expires: 2000 });
      expect(delivery).not.toBeNull(); // the first test's events
      await delivery!.ackAck();
      await jsm.consumers.delete(events, 'console-check');
      await jsm.consumers.delete(bots, 'console-check');
      // … a request to notifications (the messaging window) and its live updates on core NATS.
      const window = await nc.request(`${prefix}.${rpcSubject(GetMessagingWindow)}`, JSON.stringify({ pageId: PAGE_ID, psid: '6100001' }), { timeout: 2000 });
      expect(window.json()).toMatchObject({ ok: true });
      const live = nc.subscribe(`${prefix}.internal.console.changed`, { max: 1 });
      nc.publish(`${prefix}.internal.console.changed`, '{"type":"page","pageId":"1"}');
      for await (const message of live) expect(message.json()).toEqual({ type: 'page', pageId: '1' });
    } finally {
      await nc.close();
    }
  });

  it("does not let bot A read bot B's events", async () => {
    const js = jetstream(rogue);
    expect(await failure(js.consumers.get(bots, botConsumerName('beta')))).toMatch(/Permissions Violation for Publish to "\$JS\.API\.CONSUMER\.INFO/);
    const jsm = await jetstreamManager(rogue, { checkAPI: false });
    expect(await failure(jsm.consumers.add(bots, { name: 'peek', ack_policy: AckPolicy.None, filter_subject: `${prefix}.bot.beta.>` }))).toMatch(/Permissions Violation/);
    expect(await failure(jsm.consumers.add(bots, { durable_name: 'bot-alpha', ack_policy: AckPolicy.Explicit, filter_subject: `${prefix}.bot.beta.>` }))).toMatch(/Permissions Violation/);
    expect(await failure(jsm.streams.getMessage(bots, { seq: 1 }))).toMatch(/Permissions Violation/);
    for (const subject of [`${prefix}.bot.beta.>`, `${prefix}.bot.>`, '_INBOX_beta.>', '_INBOX.>', '>']) {
      const closed = await rogue.subscribe(subject).closed;
      expect(String(closed)).toMatch(/Permissions Violation for Subscription/);
    }
  });

  it('does not let bot A act as bot B: the server refuses the subject', async () => {
    const psid = '6100002';
    await suite.user.sendText(psid, 'who owns me');
    await alpha.waitFor('messaging', (e) => e.psid === psid, 'the message');
    expect(await failure(rogue.request(`${prefix}.rpc.beta.thread.take`, JSON.stringify({ pageId: PAGE_ID, psid }), { timeout: 2000 }))).toMatch(
      /Permissions Violation for Publish to ".*\.rpc\.beta\.thread\.take"/,
    );
    const asBeta = new SuiteClient(rogue, prefix, 'beta', 2000);
    const refusal = await asBeta.passThreadControl({ pageId: PAGE_ID, psid, targetAppId: 'alpha' }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RpcError);
    expect(refusal).toMatchObject({ code: ErrorCode.NotAllowed, details: { nats: 'permissions_violation' } });
    expect(await failure(jetstream(rogue).publish(`${prefix}.bot.beta.messaging`, '{}'))).toMatch(/Permissions Violation/);
    expect((await alpha.suite.threadOwner({ pageId: PAGE_ID, psid })).data[0]?.thread_owner.app_id).toBe('alpha');
  });

  it('a bot started before its app is registered waits for the suite to create its consumer', async () => {
    // The operator already gave gamma a user (config generated with it), but no Page has it yet.
    await nats.reload(renderNatsConfig({ prefix, appIds: ['alpha', 'beta', 'gamma'], services: SERVICES, secret: SECRET }));
    const password = deriveNatsPassword(SECRET, 'bot-gamma');
    const starting = RecordingBot.start({ appId: 'gamma', servers: nats.url, prefix, user: 'bot-gamma', password });
    let started = false;
    void starting.then(() => (started = true), () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(started).toBe(false); // it may not create bot-gamma itself

    await suite.registerPage({ defaultOwnerAppId: 'gamma', apps: [{ appId: 'alpha' }, { appId: 'beta' }, { appId: 'gamma' }] });
    const gamma = await starting;
    try {
      await suite.user.sendText('6100003', 'hello gamma');
      await gamma.waitFor('messaging', (e) => e.psid === '6100003' && textOf(e) === 'hello gamma', 'the message');
    } finally {
      await gamma.close();
    }
  });

  it('refuses wrong credentials and keeps services working with theirs', async () => {
    expect(await failure(connect({ servers: nats.url, user: 'bot-alpha', pass: 'guess', reconnect: false }))).toMatch(/Authorization Violation/);
    expect(await failure(connect({ servers: nats.url, reconnect: false }))).toMatch(/Authorization Violation/);
    const health = await fetch(`${suite.adminUrl}/health`);
    expect(health.status).toBe(200);
  });
});
