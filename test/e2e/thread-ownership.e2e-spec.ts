import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ErrorCode, PAGE_INBOX_APP_ID, streamName, THREAD_OWNER_CHANGED_SUBJECT, threadOwnerChangedSchema, threadPartition, webhookEventStoredSchema, type ThreadOwnerChanged } from '@app/contracts';
import { counter, ManualClock } from '@app/platform';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingBot, textOf } from '../support/recording-bot.js';
import { PAGE_ID, startSuite, type RunningSuite } from '../support/suite.js';
import { waitFor } from '../support/wait-for.js';
import { codeOf } from '../support/rpc-code.js';

/**
 * Issue 4: the handover protocol under real NATS and PostgreSQL, with two replicas of the
 * thread-ownership service sharing the routing work.
 */
/** The routing service's own counter (same process, same registry). */
const routed = counter({ name: 'routing_events_total', help: 'Webhook events routed to bots', labelNames: ['kind', 'outcome', 'path'] });

describe('thread ownership', () => {
  const clock = new ManualClock(new Date());
  let suite: RunningSuite;
  let sales: RecordingBot;
  let support: RecordingBot;
  let survey: RecordingBot;
  let db: pg.Client;
  let nextPsid = 3_000_000;

  /** A thread the user has opened by writing; owned by the default app (sales). */
  const openThread = async (psid = String(nextPsid++), text = 'hello') => {
    await suite.user.sendText(psid, text);
    await sales.waitFor('messaging', (e) => e.psid === psid, `the first message of ${psid}`);
    return psid;
  };
  const ownerRow = async (psid: string) =>
    (await db.query('SELECT owner_app_id FROM thread_ownership.thread WHERE page_id = $1 AND psid = $2', [PAGE_ID, psid])).rows[0]?.owner_app_id;

  beforeAll(async () => {
    // With the operator console: its read model must follow every change of owner live.
    suite = await startSuite({}, { ownershipClock: clock, console: true });
    await suite.addOwnershipReplica();
    await suite.registerPage({
      defaultOwnerAppId: 'sales',
      routingRules: [{ match: { ref: 'survey-2026' }, appId: 'survey' }],
      apps: [{ appId: 'sales' }, { appId: 'support', canTake: true }, { appId: 'survey' }, { appId: 'retired', subscribed: false }],
    });
    // Generous request timeout: 50 concurrent handovers on a loaded 2-core CI machine must not time out.
    const connection = { servers: suite.env.natsUrl, prefix: suite.env.prefix, requestTimeoutMs: 30_000 };
    sales = await RecordingBot.start({ appId: 'sales', ...connection });
    support = await RecordingBot.start({ appId: 'support', ...connection });
    survey = await RecordingBot.start({ appId: 'survey', ...connection });
    db = new pg.Client({ connectionString: suite.env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([sales, support, survey].map((b) => b?.close()));
    await db?.end();
    await suite?.stop();
  });

  it('answers every refusal with its typed error', async () => {
    const psid = await openThread();
    const base = { pageId: PAGE_ID, psid };
    expect(await codeOf(support.suite.passThreadControl({ ...base, targetAppId: 'survey' }))).toBe(ErrorCode.NotThreadOwner);
    expect(await codeOf(sales.suite.passThreadControl({ ...base, targetAppId: 'nobody' }))).toBe(ErrorCode.UnknownApp);
    expect(await codeOf(sales.suite.passThreadControl({ ...base, targetAppId: 'retired' }))).toBe(ErrorCode.AppUnsubscribed);
    expect(await codeOf(sales.suite.passThreadControl({ ...base, targetAppId: 'support', metadata: 'x'.repeat(1000) }))).toBe(ErrorCode.MetadataTooLong);
    expect(await codeOf(sales.suite.passThreadControl({ pageId: PAGE_ID, psid: '9999999', targetAppId: 'support' }))).toBe(ErrorCode.UnknownThread);
    expect(await codeOf(survey.suite.takeThreadControl(base))).toBe(ErrorCode.NotAllowed);
    expect(await codeOf(support.suite.releaseThreadControl(base))).toBe(ErrorCode.NotThreadOwner);
    expect(await codeOf(sales.suite.requestThreadControl(base))).toBe(ErrorCode.NotAllowed);
    expect(await codeOf(sales.suite.call({ operation: 'thread.pass', scope: 'bot', request: (await import('zod')).z.any(), response: (await import('zod')).z.any() }, { pageId: 'x' }))).toBe(ErrorCode.InvalidPayload);
    // The admin API refuses a Page whose apps contradict themselves, before the database sees them.
    const register = (apps: unknown[]) => suite.admin('PUT', '/pages/1000999', { accessToken: 'page-token-x', apps });
    expect(await register([{ appId: 'sales' }, { appId: 'sales' }])).toMatchObject({ status: 400, body: { error: { code: ErrorCode.InvalidPayload } } });
    expect(await register([{ appId: 'sales', role: 'inbox' }])).toMatchObject({ status: 400, body: { error: { code: ErrorCode.InvalidPayload } } });
    expect(await register([{ appId: PAGE_INBOX_APP_ID, role: 'bot' }])).toMatchObject({ status: 400, body: { error: { code: ErrorCode.InvalidPayload } } });
    // An error on a route that answers text (the NATS config) is still a JSON error with its status.
    const unconfigured = await suite.admin('GET', '/access/nats-config');
    expect(unconfigured).toMatchObject({ status: 503, body: { error: { code: ErrorCode.AccessControlNotConfigured } } });
    // A bot's connection settings need the same secret: "not configured", not a refusal of the caller.
    expect(await suite.admin('GET', '/access/bots/sales')).toMatchObject({ status: 503, body: { error: { code: ErrorCode.AccessControlNotConfigured } } });
    // NUL cannot be stored by PostgreSQL: refused at the edge, not failed on the way to the database.
    expect(await codeOf(sales.suite.passThreadControl({ ...base, targetAppId: 'support', metadata: 'a\u0000b' }))).toBe(ErrorCode.InvalidPayload);
    expect(await codeOf(sales.suite.send({ ...base, message: { text: 'a\u0000b' } }))).toBe(ErrorCode.InvalidPayload);
    expect(await codeOf(sales.suite.send({ ...base, message: { text: 'x', quick_replies: [{ content_type: 'text', title: 'y', payload: 'p\u0000' }] } }))).toBe(ErrorCode.InvalidPayload);
    // The same length rule (and code) for metadata riding on a send as for a plain pass.
    expect(await codeOf(sales.suite.send({ ...base, message: { text: 'x' }, threadControl: { controlType: 'pass', appId: 'support', metadata: 'x'.repeat(1000) } }))).toBe(ErrorCode.MetadataTooLong);
    expect(await ownerRow(psid)).toBe('sales');
  });

  it('lists the Page apps and roles, Page Inbox included', async () => {
    const apps = await sales.suite.pageApps({ pageId: PAGE_ID });
    expect(apps.data.map((a) => a.app_id).sort()).toEqual([PAGE_INBOX_APP_ID, 'retired', 'sales', 'support', 'survey'].sort());
    expect(apps.data.find((a) => a.app_id === 'sales')?.is_default_owner).toBe(true);
    expect(apps.data.find((a) => a.app_id === PAGE_INBOX_APP_ID)).toMatchObject({ role: 'inbox', can_take: true });
  });

  it('take moves the thread and both apps hear of it; request reaches the owner only', async () => {
    const psid = await openThread();
    await support.suite.takeThreadControl({ pageId: PAGE_ID, psid, metadata: 'escalation' });
    for (const bot of [sales, support]) {
      const event = await bot.waitFor('handover', (e) => e.psid === psid && e.kind === 'take_thread_control', 'the take');
      expect(event.event.take_thread_control).toEqual({ previous_owner_app_id: 'sales', new_owner_app_id: 'support', metadata: 'escalation' });
    }
    await sales.suite.requestThreadControl({ pageId: PAGE_ID, psid, metadata: 'let me finish the sale' });
    const request = await support.waitFor('handover', (e) => e.psid === psid && e.kind === 'request_thread_control', 'the request');
    expect(request.event.request_thread_control).toEqual({ requested_owner_app_id: 'sales', metadata: 'let me finish the sale' });
    await support.suite.releaseThreadControl({ pageId: PAGE_ID, psid });
    expect((await support.suite.threadOwner({ pageId: PAGE_ID, psid })).data).toEqual([]);
    // The asker is not told of its own request. A later message on the thread reaches sales after
    // anything sent to it before (one thread's deliveries keep their order): only then look.
    await suite.user.sendText(psid, 'after the release');
    await sales.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'after the release', 'the message after the release');
    expect(sales.received('handover', (e) => e.psid === psid && e.kind === 'request_thread_control')).toHaveLength(0);
  });

  it('keeps exactly one owner under 50 concurrent pass/take/release calls across two replicas, all audited', async () => {
    const psid = await openThread();
    const base = { pageId: PAGE_ID, psid };
    const bots = [sales, support];
    const calls = Array.from({ length: 50 }, (_, i) => {
      const bot = bots[i % 2]!;
      const other = bots[(i + 1) % 2]!.bot.appId;
      const op = i % 3;
      if (op === 0) return bot.suite.passThreadControl({ ...base, targetAppId: other, metadata: `pass ${i}` });
      if (op === 1) return bot.suite.takeThreadControl({ ...base, metadata: `take ${i}` });
      return bot.suite.releaseThreadControl({ ...base, metadata: `release ${i}` });
    });
    const outcomes = await Promise.allSettled(calls);
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.code);
    expect(refused.filter((c) => c !== ErrorCode.NotThreadOwner && c !== ErrorCode.NotAllowed)).toEqual([]);

    const audit = (await db.query('SELECT action, from_app_id, to_app_id, metadata FROM thread_ownership.ownership_change WHERE page_id = $1 AND psid = $2 AND action <> $3 ORDER BY id', [PAGE_ID, psid, 'request'])).rows;
    const succeeded = new Set(outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : [])));
    const audited = new Set(audit.filter((row) => row.metadata !== null).map((row) => Number(String(row.metadata).split(' ')[1])));
    // Every pass and release that succeeded is in the log, and nothing refused is; a take that
    // succeeded is there unless its caller already owned the thread (then nothing changed).
    const passesAndReleases = [...succeeded].filter((i) => i % 3 !== 1);
    expect(passesAndReleases.filter((i) => !audited.has(i))).toEqual([]);
    expect([...audited].filter((i) => !succeeded.has(i))).toEqual([]);
    for (let i = 1; i < audit.length; i++) expect(audit[i].from_app_id).toBe(audit[i - 1].to_app_id); // one chain: never two owners
    expect(await ownerRow(psid)).toBe(audit.at(-1)!.to_app_id);
  });

  it('routes a thread by its current owner even when the other replica made the change', async () => {
    const psid = await openThread();
    for (let round = 0; round < 6; round++) {
      const [from, to] = round % 2 === 0 ? [sales, support] : [support, sales];
      await from.suite.passThreadControl({ pageId: PAGE_ID, psid, targetAppId: to.bot.appId });
      await suite.user.sendText(psid, `round ${round}`);
      const got = await to.waitFor('messaging', (e) => e.psid === psid && textOf(e) === `round ${round}`, `round ${round}`);
      expect(got.ownerAppId).toBe(to.bot.appId);
      await from.waitFor('standby', (e) => e.psid === psid && textOf(e) === `round ${round}`, `round ${round}`);
    }
  });

  it('routes a redelivered event by the owner it was stored under, without claiming the thread again', async () => {
    const psid = await openThread(String(nextPsid++), 'first words'); // claims the idle thread for sales
    const { rows } = await db.query('SELECT last_event_seq, version FROM thread_ownership.thread WHERE page_id = $1 AND psid = $2', [PAGE_ID, psid]);
    const [seq, versionBefore] = [Number(rows[0].last_event_seq), Number(rows[0].version)];
    await sales.suite.releaseThreadControl({ pageId: PAGE_ID, psid });
    expect(await ownerRow(psid)).toBeNull();
    const audited = async () => Number((await db.query('SELECT count(*) FROM thread_ownership.ownership_change WHERE page_id = $1 AND psid = $2', [PAGE_ID, psid])).rows[0].count);
    const auditBefore = await audited();

    // The stored event, delivered again exactly as the routing consumer would after a crash before its ack.
    const nc = await connect({ servers: suite.env.natsUrl });
    const stored = await (await jetstreamManager(nc)).streams.getMessage(streamName(suite.env.prefix, 'EVENTS'), { seq });
    await nc.close();
    const envelope = webhookEventStoredSchema.parse(stored!.json());
    expect(envelope.psid).toBe(psid);
    const owned = async () => (await routed.get()).values.filter((v) => v.labels.outcome === 'owned').reduce((sum, v) => sum + v.value, 0);
    const ownedBefore = await owned();
    const { RoutingService } = await import('../../apps/thread-ownership/src/routing/routing.service.js');
    await suite.apps[0]!.get(RoutingService).route(envelope, { subject: stored!.subject, streamSeq: seq, deliveryCount: 2 });

    expect(await owned()).toBe(ownedBefore + 1); // routed as owned (by sales), although the thread is idle now
    expect(await ownerRow(psid)).toBeNull(); // the redelivery did not claim the idle thread a second time
    expect(await audited()).toBe(auditBefore);
    const after = (await db.query('SELECT version FROM thread_ownership.thread WHERE page_id = $1 AND psid = $2', [PAGE_ID, psid])).rows[0];
    expect(Number(after.version)).toBe(versionBefore + 1); // the release only
  });

  it("delivers one thread's events in the order Meta sent them", async () => {
    const psid = await openThread();
    const texts = Array.from({ length: 25 }, (_, i) => `burst ${i}`);
    for (const text of texts) await suite.user.sendText(psid, text);
    await sales.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'burst 24', 'the last of the burst');
    const received = sales.received('messaging', (e) => e.psid === psid && (textOf(e) ?? '').startsWith('burst')).map(textOf);
    expect(received).toEqual(texts);
  });

  it('gives an idle thread entered through an m.me link to the app of its routing rule', async () => {
    const psid = String(nextPsid++);
    await suite.user.sendEvent({ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.now(), referral: { ref: 'survey-2026', source: 'SHORTLINK', type: 'OPEN_THREAD' } });
    await suite.user.sendText(psid, 'I came for the survey');
    await survey.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'I came for the survey', 'the message');
    expect(await ownerRow(psid)).toBe('survey');
  });

  it('lets only the owner send, passes with a message, and refuses HUMAN_AGENT to bots', async () => {
    const psid = await openThread();
    const sent = await sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'over to support' }, threadControl: { controlType: 'pass', appId: 'support' } });
    expect(sent.message_id).toBeTruthy();
    await support.waitFor('handover', (e) => e.psid === psid && e.kind === 'pass_thread_control', 'the pass riding on the send');
    expect(await ownerRow(psid)).toBe('support');
    expect(await codeOf(support.suite.send({ pageId: PAGE_ID, psid, message: { text: 'x' }, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }))).toBe(ErrorCode.NotAllowed);
    expect(await codeOf(sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'x' } }))).toBe(ErrorCode.NotThreadOwner);
  });

  it("holds the tags to their own rules (§5.2): CUSTOMER_FEEDBACK only as that template, NON_PROMOTIONAL_SUBSCRIPTION only for news Pages", async () => {
    const psid = await openThread();
    const tagged = (tag: 'CUSTOMER_FEEDBACK' | 'NON_PROMOTIONAL_SUBSCRIPTION', message: Record<string, unknown>) =>
      sales.suite.send({ pageId: PAGE_ID, psid, message: message as { text: string }, messagingType: 'MESSAGE_TAG', tag });
    expect(await codeOf(tagged('CUSTOMER_FEEDBACK', { text: 'How did we do?' }))).toBe(ErrorCode.NotAllowed);
    expect(await codeOf(tagged('NON_PROMOTIONAL_SUBSCRIPTION', { text: 'Today\u2019s headlines' }))).toBe(ErrorCode.NotAllowed);
    const feedback = { attachment: { type: 'template', payload: { template_type: 'customer_feedback', title: 'Rate us', subtitle: 'Tell us', button_title: 'Rate', feedback_screens: [] } } };
    expect((await tagged('CUSTOMER_FEEDBACK', feedback)).message_id).toBeTruthy(); // the user wrote a moment ago: within 7 days
    expect(suite.graph.calls((c) => c.edge === 'messages' && (c.body as { tag?: string }).tag !== undefined).map((c) => (c.body as { tag?: string }).tag)).toEqual(['CUSTOMER_FEEDBACK']);
  });

  it('passing to the Page Inbox tells Meta, and a human reply (inbox echo) takes the thread', async () => {
    const psid = await openThread();
    await sales.suite.passThreadControl({ pageId: PAGE_ID, psid, targetAppId: PAGE_INBOX_APP_ID, metadata: 'needs a human' });
    const call = await suite.graph.waitForCall((c) => c.edge === 'pass_thread_control' && (c.body as { recipient?: { id?: string } }).recipient?.id === psid);
    expect((call.body as { target_app_id?: unknown }).target_app_id).toBe(PAGE_INBOX_APP_ID);
    expect(await ownerRow(psid)).toBe(PAGE_INBOX_APP_ID);
    // Asking the humans for the thread goes to Meta, which tells the owner (the inbox).
    await support.suite.requestThreadControl({ pageId: PAGE_ID, psid, metadata: 'I can take it from here' });
    const asked = await suite.graph.waitForCall((c) => c.edge === 'request_thread_control' && (c.body as { recipient?: { id?: string } }).recipient?.id === psid);
    expect((asked.body as { metadata?: unknown }).metadata).toBe('I can take it from here');
    await suite.user.sendText(psid, 'are you human?');
    await sales.waitFor('standby', (e) => e.psid === psid && textOf(e) === 'are you human?', 'the message on standby');

    const psid2 = await openThread();
    await suite.user.sendEvent(
      { sender: { id: PAGE_ID }, recipient: { id: psid2 }, timestamp: Date.now(), message: { is_echo: true, app_id: Number(PAGE_INBOX_APP_ID), mid: `m_echo_${psid2}`, text: 'Hi, Anna here' } },
    );
    await waitFor(async () => ((await ownerRow(psid2)) === PAGE_INBOX_APP_ID ? true : undefined), 'the inbox to take the thread');
    await sales.waitFor('handover', (e) => e.psid === psid2 && e.kind === 'take_thread_control', 'the take by the inbox');
    // Meta made that change itself: the suite must not mirror it back (Meta would refuse, as our
    // app no longer controls the thread, and the refusal would hold up routing).
    const toMeta = suite.graph.calls((c) => ['pass_thread_control', 'take_thread_control'].includes(c.edge ?? '') && (c.body as { recipient?: { id?: string } }).recipient?.id === psid2);
    expect(toMeta).toEqual([]);

    // The human clicks Done: Meta passes the thread back to our app, which gives it to the
    // default app (Meta's primary receiver) and tells it.
    await suite.user.sendEvent({
      sender: { id: psid2 },
      recipient: { id: PAGE_ID },
      timestamp: Date.now(),
      pass_thread_control: { previous_owner_app_id: Number(PAGE_INBOX_APP_ID), new_owner_app_id: 1234, metadata: 'done' },
    });
    const back = await sales.waitFor('handover', (e) => e.psid === psid2 && e.kind === 'pass_thread_control', 'the thread back from the inbox');
    expect(back.event.pass_thread_control).toMatchObject({ previous_owner_app_id: PAGE_INBOX_APP_ID, new_owner_app_id: 'sales' });
    expect(await ownerRow(psid2)).toBe('sales');
  });

  it('tells each bot its role when the Page is registered (app_roles)', async () => {
    const roles = await sales.waitFor('handover', (e) => e.kind === 'app_roles', 'app_roles');
    expect(roles.event.app_roles).toMatchObject({ sales: ['primary_receiver'], support: ['secondary_receiver'], survey: ['secondary_receiver'] });
    await support.waitFor('handover', (e) => e.kind === 'app_roles', 'app_roles');
  });

  it("shows the echo of a bot's send to the other bots, not to the sender", async () => {
    const psid = await openThread();
    const sent = await sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'echo me' } });
    const echo = { is_echo: true, app_id: 100000000000001, mid: sent.message_id, text: 'echo me' };
    await suite.user.sendEvent({ sender: { id: PAGE_ID }, recipient: { id: psid }, timestamp: Date.now(), message: echo });
    await suite.user.sendText(psid, 'after the echo');
    const seen = await support.waitFor('standby', (e) => e.kind === 'echo' && e.psid === psid, 'the echo');
    expect((seen.event.message as { mid?: string }).mid).toBe(sent.message_id);
    await sales.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'after the echo', 'the next message');
    expect(sales.events.filter((e) => e.kind === 'echo' && e.psid === psid)).toHaveLength(0);
  });

  it('publishes an owner-changed fact for every change, a plain release included, and the console shows it live', async () => {
    const facts: ThreadOwnerChanged[] = [];
    const live: Array<{ type: string; psid?: string }> = [];
    const nc = await connect({ servers: suite.env.natsUrl });
    nc.subscribe(`${suite.env.prefix}.${THREAD_OWNER_CHANGED_SUBJECT}`, { callback: (_error, m) => void facts.push(threadOwnerChangedSchema.parse(m.json())) });
    nc.subscribe(`${suite.env.prefix}.internal.console.changed`, { callback: (_error, m) => void live.push(m.json()) });
    await nc.flush();
    const consoleOwner = async (psid: string) =>
      (await db.query('SELECT owner_app_id FROM console.thread WHERE page_id = $1 AND psid = $2', [PAGE_ID, psid])).rows[0] as { owner_app_id: string | null } | undefined;
    try {
      const psid = await openThread(); // an idle thread claimed by the default app: a change no bot is told about
      await support.suite.takeThreadControl({ pageId: PAGE_ID, psid, metadata: 'mine now' });
      await waitFor(async () => ((await consoleOwner(psid))?.owner_app_id === 'support' ? true : undefined), 'the console to show the take');
      live.length = 0;
      // Time moves on between the two, as it does without the manual clock: the console orders a
      // thread's timeline by time, and the take's handover entry (from the BOTS stream) may arrive
      // after the release's (from the owner-changed fact).
      clock.advance(1);
      await support.suite.releaseThreadControl({ pageId: PAGE_ID, psid, metadata: 'all done' });

      // No bot hears of a plain release, yet the console's thread view follows it at once.
      await waitFor(async () => ((await consoleOwner(psid))?.owner_app_id === null ? true : undefined), 'the console to show the release');
      await waitFor(() => (live.some((u) => u.type === 'thread' && u.psid === psid) ? true : undefined), 'a live update of the thread');
      const entry = (await db.query("SELECT summary, kind FROM console.timeline_entry WHERE page_id = $1 AND psid = $2 AND direction = 'handover' ORDER BY at, id", [PAGE_ID, psid])).rows;
      expect(entry.at(-1)).toEqual({ summary: 'support released the thread', kind: 'owner_release' });

      // Facts are at least once: a plain subscriber also sees a relayed repeat (JetStream drops it
      // from the stream by message id). Here the clock jump makes every unmarked outbox row look
      // stale to the relay at once. A fact is identified by the thread's row version.
      const ofThread = () => [...new Map(facts.filter((f) => f.psid === psid).map((f) => [f.version, f])).values()].sort((a, b) => a.version - b.version);
      const mine = await waitFor(() => (ofThread().length >= 3 ? ofThread() : undefined), 'three facts');
      expect(mine.map((f) => [f.action, f.actorAppId, f.previousOwnerAppId, f.ownerAppId, f.metadata])).toEqual([
        ['default', null, null, 'sales', null],
        ['take', 'support', 'sales', 'support', 'mine now'],
        ['release', 'support', 'support', null, 'all done'],
      ]);
      expect(mine.map((f) => f.notifiedAppIds.sort())).toEqual([[], ['sales', 'support'], []]);
      expect(mine[1]!.version).toBeGreaterThan(mine[0]!.version);
      expect(mine[2]!.version).toBeGreaterThan(mine[1]!.version);
      const audit = (await db.query("SELECT stream_seq FROM thread_ownership.ownership_change WHERE page_id = $1 AND psid = $2 AND action <> 'request' ORDER BY id", [PAGE_ID, psid])).rows;
      expect(mine.map((f) => f.streamSeq)).toEqual(audit.map((r) => Number(r.stream_seq))); // one fact per audited change
      // Stored with the change (the outbox row the relay would publish again) and marked published once sent.
      const row = await waitFor(async () => {
        const found = (await db.query('SELECT payload, published_at FROM thread_ownership.outbox WHERE msg_id = $1', [`owner:${PAGE_ID}:${psid}:${mine[2]!.version}`])).rows[0];
        return found?.published_at ? found : undefined;
      }, 'the release fact marked published');
      expect(row.payload).toEqual(mine[2]);
    } finally {
      await nc.close();
    }
  });

  it('returns ownership to idle after the idle timeout (controllable clock) and tells the previous owner', async () => {
    const psid = await openThread();
    await sales.suite.passThreadControl({ pageId: PAGE_ID, psid, targetAppId: 'support' });
    clock.advance(24 * 60 * 60 * 1000 - 1);
    const { IdleExpiryScheduler } = await import('../../apps/thread-ownership/src/threads/idle-expiry.scheduler.js');
    const scheduler = suite.apps[0]!.get(IdleExpiryScheduler);
    await scheduler.sweep();
    expect(await ownerRow(psid)).toBe('support');
    clock.advance(2);
    expect(await scheduler.sweep()).toBeGreaterThanOrEqual(1);
    expect(await ownerRow(psid)).toBeNull();
    const notice = await support.waitFor('handover', (e) => e.psid === psid && e.kind === 'release_thread_control', 'the idle notice');
    expect(notice.event.release_thread_control).toMatchObject({ previous_owner_app_id: 'support', new_owner_app_id: null, reason: 'idle_timeout' });
    await suite.user.sendText(psid, 'back again');
    await sales.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'back again', 'the message after the lapse');
  });

  it('asks Meta who owns the thread when it refuses a send as not the owner, and follows a human who took it unseen', async () => {
    const psid = await openThread();
    expect(await ownerRow(psid)).toBe('sales');
    // A human took the conversation in Business Suite, and no webhook told the suite.
    suite.graph.setThreadOwner(PAGE_ID, psid, PAGE_INBOX_APP_ID);
    suite.graph.failNext({ edge: 'messages' }, { code: 10, error_subcode: 2018300 });
    expect(await codeOf(sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'still here?' } }))).toBe(ErrorCode.NotThreadOwner);
    await waitFor(async () => ((await ownerRow(psid)) === PAGE_INBOX_APP_ID ? true : undefined), 'the thread to follow Meta to the inbox');
    expect(suite.graph.calls((c) => c.edge === 'thread_owner').length).toBeGreaterThanOrEqual(1);
    await sales.waitFor('handover', (e) => e.psid === psid && e.kind === 'take_thread_control', 'the take by the inbox');
    await suite.user.sendText(psid, 'talking to the human');
    await sales.waitFor('standby', (e) => e.psid === psid && textOf(e) === 'talking to the human', 'the message on standby');
    // The suite's own refusal (not Meta's) asks Meta nothing.
    const asked = suite.graph.calls((c) => c.edge === 'thread_owner').length;
    expect(await codeOf(support.suite.send({ pageId: PAGE_ID, psid, message: { text: 'x' } }))).toBe(ErrorCode.NotThreadOwner);
    expect(suite.graph.calls((c) => c.edge === 'thread_owner')).toHaveLength(asked);
    // The human clicks Done: back to the default app (and out of the way of the idle test below).
    await suite.user.sendEvent({ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.now(), pass_thread_control: { previous_owner_app_id: Number(PAGE_INBOX_APP_ID), new_owner_app_id: 1234, metadata: 'done' } });
    await waitFor(async () => ((await ownerRow(psid)) === 'sales' ? true : undefined), 'the thread back from the inbox');
  });

  it('lets a thread the Page Inbox held lapse even when Meta refuses to give it back, and routes the next message', async () => {
    const psid = await openThread();
    await sales.suite.passThreadControl({ pageId: PAGE_ID, psid, targetAppId: PAGE_INBOX_APP_ID, metadata: 'needs a human' });
    expect(await ownerRow(psid)).toBe(PAGE_INBOX_APP_ID);
    suite.graph.failNext({ edge: 'take_thread_control' }, { code: 10, error_subcode: 2018300 });
    clock.advance(24 * 60 * 60 * 1000 + 1);
    const { IdleExpiryScheduler } = await import('../../apps/thread-ownership/src/threads/idle-expiry.scheduler.js');
    expect(await suite.apps[0]!.get(IdleExpiryScheduler).sweep()).toBeGreaterThanOrEqual(1);
    const refused = suite.graph.calls((c) => c.edge === 'take_thread_control' && (c.body as { recipient?: { id?: string } }).recipient?.id === psid);
    expect(refused.map((c) => c.injected)).toEqual([true]); // Meta was asked, and refused
    expect(await ownerRow(psid)).toBeNull(); // the suite kept its decision
    await suite.user.sendText(psid, 'anyone there?');
    await sales.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'anyone there?', 'the message after the refused take');
    expect(await ownerRow(psid)).toBe('sales');
  });

  it('retries giving an Inbox-held thread back while Meta is unreachable, and lapses it once Meta answers', async () => {
    const psid = await openThread();
    await sales.suite.passThreadControl({ pageId: PAGE_ID, psid, targetAppId: PAGE_INBOX_APP_ID, metadata: 'needs a human' });
    suite.graph.failNext({ edge: 'take_thread_control' }, { code: 2, status: 500, is_transient: true }, 20);
    clock.advance(24 * 60 * 60 * 1000 + 1);
    const { IdleExpiryScheduler } = await import('../../apps/thread-ownership/src/threads/idle-expiry.scheduler.js');
    const scheduler = suite.apps[0]!.get(IdleExpiryScheduler);
    await scheduler.sweep();
    expect(await ownerRow(psid)).toBe(PAGE_INBOX_APP_ID); // not given up on: Meta did not refuse, it was away
    suite.graph.clearFaults();
    await scheduler.sweep();
    expect(await ownerRow(psid)).toBeNull();
    const takes = suite.graph.calls((c) => c.edge === 'take_thread_control' && (c.body as { recipient?: { id?: string } }).recipient?.id === psid);
    expect(takes.at(-1)?.injected).toBe(false); // the last one reached Meta
  });

  it('delivers a message stored before a release to the owner it was stored under, and it claims nothing', async () => {
    const psid = await openThread();
    await sales.suite.passThreadControl({ pageId: PAGE_ID, psid, targetAppId: 'support' });
    // Hold up the thread's routing partition (another thread of it, its row locked), so that the
    // message is stored while support owns the thread and routed only after support released it.
    const partition = threadPartition(PAGE_ID, psid);
    let blocker = String(nextPsid++);
    while (threadPartition(PAGE_ID, blocker) !== partition) blocker = String(nextPsid++);
    await openThread(blocker);
    const holder = new pg.Client({ connectionString: suite.env.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM thread_ownership.thread WHERE page_id = $1 AND psid = $2 FOR UPDATE', [PAGE_ID, blocker]);
      await suite.user.sendText(blocker, 'blocker');
      await suite.user.sendText(psid, 'sent before the release');
      await support.suite.releaseThreadControl({ pageId: PAGE_ID, psid });
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    const late = await support.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'sent before the release', 'the message, routed after the release');
    expect(late.ownerAppId).toBe('support');
    await sales.waitFor('standby', (e) => e.psid === psid && textOf(e) === 'sent before the release', 'the message on standby');
    expect(await ownerRow(psid)).toBeNull();
    // The next message does enter the idle thread.
    await suite.user.sendText(psid, 'after the release');
    await sales.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'after the release', 'the next message');
    expect(await ownerRow(psid)).toBe('sales');
  });

  it('treats an owner whose idle time ran out as no owner for a pass, before the sweep has come by', async () => {
    const psid = await openThread();
    await sales.suite.passThreadControl({ pageId: PAGE_ID, psid, targetAppId: 'support' });
    clock.advance(24 * 60 * 60 * 1000 + 1);
    expect(await codeOf(support.suite.passThreadControl({ pageId: PAGE_ID, psid, targetAppId: 'survey' }))).toBe(ErrorCode.NotThreadOwner);
    expect(await ownerRow(psid)).toBe('support'); // the refused command changed nothing; the sweep will lapse it
    // The default app acts for an idle thread (Conversation Routing), so its pass goes through.
    expect(await codeOf(sales.suite.passThreadControl({ pageId: PAGE_ID, psid, targetAppId: 'survey' }))).toBe('no error');
    const audit = (await db.query('SELECT action, from_app_id, to_app_id FROM thread_ownership.ownership_change WHERE page_id = $1 AND psid = $2 ORDER BY id', [PAGE_ID, psid])).rows;
    expect(audit.map((r) => [r.action, r.from_app_id, r.to_app_id])).toEqual([
      ['default', null, 'sales'],
      ['pass', 'sales', 'support'],
      ['idle_timeout', 'support', null],
      ['pass', null, 'survey'],
    ]);
    await support.waitFor('handover', (e) => e.psid === psid && e.kind === 'release_thread_control', 'the lapse notice');
  });

  it('lapses and claims again in one transaction when a message reaches a lapsed thread before the sweep, audited and published in order', async () => {
    const facts: ThreadOwnerChanged[] = [];
    const nc = await connect({ servers: suite.env.natsUrl });
    nc.subscribe(`${suite.env.prefix}.${THREAD_OWNER_CHANGED_SUBJECT}`, { callback: (_error, m) => void facts.push(threadOwnerChangedSchema.parse(m.json())) });
    await nc.flush();
    try {
      const psid = await openThread();
      clock.advance(24 * 60 * 60 * 1000 + 1);
      await suite.user.sendText(psid, 'still there?');
      const got = await sales.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'still there?', 'the message on the lapsed thread');
      expect(got.ownerAppId).toBe('sales');
      const audit = (await db.query('SELECT action, from_app_id, to_app_id FROM thread_ownership.ownership_change WHERE page_id = $1 AND psid = $2 ORDER BY id', [PAGE_ID, psid])).rows;
      expect(audit.map((r) => [r.action, r.from_app_id, r.to_app_id])).toEqual([
        ['default', null, 'sales'],
        ['idle_timeout', 'sales', null],
        ['default', null, 'sales'],
      ]);
      // Facts are at least once: a plain subscriber also sees a relayed repeat (JetStream drops it
      // from the stream by message id). Here the clock jump makes every unmarked outbox row look
      // stale to the relay at once. A fact is identified by the thread's row version.
      const ofThread = () => [...new Map(facts.filter((f) => f.psid === psid).map((f) => [f.version, f])).values()].sort((a, b) => a.version - b.version);
      const mine = await waitFor(() => (ofThread().length >= 3 ? ofThread() : undefined), 'three facts');
      expect(mine.map((f) => f.action)).toEqual(['default', 'idle_timeout', 'default']);
      const notice = await sales.waitFor('handover', (e) => e.psid === psid && e.kind === 'release_thread_control', 'the lapse notice');
      expect(notice.event.release_thread_control).toMatchObject({ previous_owner_app_id: 'sales', new_owner_app_id: null, reason: 'idle_timeout' });
      expect(await ownerRow(psid)).toBe('sales');
    } finally {
      await nc.close();
    }
  });

  // Last: it stops one of the two replicas.
  it('routes on, in order, after the replica that routes stops: the other one takes over', async () => {
    const { RoutingConsumer } = await import('../../apps/thread-ownership/src/routing/routing.consumer.js');
    const { RoutingService } = await import('../../apps/thread-ownership/src/routing/routing.service.js');
    const replicas = suite.apps.filter((app) => {
      try {
        return app.get(RoutingService, { strict: false }) !== undefined;
      } catch {
        return false;
      }
    });
    expect(replicas).toHaveLength(2);
    const leaders = () => replicas.filter((app) => app.get(RoutingConsumer).leading);
    expect(leaders()).toHaveLength(1); // one reader of the EVENTS durable, never two
    const [leader] = leaders();
    const other = replicas.find((app) => app !== leader)!;
    const psid = await openThread();
    await leader!.close();
    const texts = Array.from({ length: 10 }, (_, i) => `after the leader ${i}`);
    for (const text of texts) await suite.user.sendText(psid, text);
    await sales.waitFor('messaging', (e) => e.psid === psid && textOf(e) === texts.at(-1), 'the last message, routed by the other replica', 20_000);
    expect(other.get(RoutingConsumer).leading).toBe(true);
    const received = sales.received('messaging', (e) => e.psid === psid && (textOf(e) ?? '').startsWith('after the leader')).map(textOf);
    expect(received).toEqual(texts);
  });
});
