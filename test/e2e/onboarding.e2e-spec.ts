import { ErrorCode, RpcError } from '@app/contracts';
import { DEFAULT_EMULATED_APP_ID, type GraphErrorSpec, type RecordedCall } from '@app/messenger-emulator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingBot } from '../support/recording-bot.js';
import { APP_SECRET, PAGE_ID, PAGE_TOKEN, startSuite, type RunningSuite } from '../support/suite.js';
import { codeOf } from '../support/rpc-code.js';

type Body = Record<string, any>;

/** Facebook sends the browser here; the test forwards the query to the service's real address (its port is random). */
const REDIRECT_URI = 'http://orchestrator.invalid/onboarding/callback';
const SECOND_PAGE = '1000002';
const SUBSCRIBED_FIELDS = 'messages,messaging_postbacks,messaging_optins,messaging_referrals,messaging_handovers,standby,message_echoes,message_reads,message_deliveries,message_reactions';

/**
 * Issue 7: installing the app on Pages with Facebook Login (against the emulated dialog and
 * Graph), the Graph client's retry rules through the real send path, 190 → needs_reauth, the
 * debug_token re-check and Meta's usage header.
 */
describe('onboarding and the Graph client', () => {
  let suite: RunningSuite;
  let sales: RecordingBot;
  let db: pg.Client;
  let nextPsid = 7_000_000;

  const pageRow = async (pageId: string) => (await db.query('SELECT * FROM thread_ownership.page WHERE id = $1', [pageId])).rows[0];
  const pageCount = async () => Number((await db.query('SELECT count(*) FROM thread_ownership.page')).rows[0].count);
  const oauthCalls = () => suite.graph.calls({ pathIncludes: '/oauth/access_token' });

  /** An admin's invite link (POST /onboarding/invites), on this service's real address. */
  async function inviteLink(pages?: string[]): Promise<string> {
    const made = await suite.admin('POST', '/onboarding/invites', pages ? { pages } : {});
    expect(made.status).toBe(201);
    expect(made.body.url).toBe(`http://orchestrator.invalid${made.body.path}`);
    return `${suite.adminUrl}${made.body.path}`;
  }

  /** `query`: `?page_id=…` as a Page admin's link may say; the invite itself names no Pages here. */
  async function startInstall(query = ''): Promise<{ dialog: URL; cookie: string; setCookie: string }> {
    const link = new URL(await inviteLink());
    for (const [key, value] of new URLSearchParams(query)) link.searchParams.set(key, value);
    const response = await fetch(link, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const setCookie = response.headers.get('set-cookie') ?? '';
    return { dialog: new URL(response.headers.get('location')!), cookie: setCookie.split(';')[0]!, setCookie };
  }

  /** The browser at the (emulated) Login dialog: it sends us back to the redirect URI. */
  async function passDialog(dialog: URL): Promise<URLSearchParams> {
    const response = await fetch(dialog, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    return back.searchParams;
  }

  async function callback(params: URLSearchParams, cookie?: string): Promise<{ status: number; body: Body }> {
    const response = await fetch(`${suite.adminUrl}/onboarding/callback?${params}`, { headers: cookie ? { cookie } : {} });
    return { status: response.status, body: (await response.json()) as Body };
  }

  async function install(query = ''): Promise<{ status: number; body: Body; params: URLSearchParams; cookie: string }> {
    const { dialog, cookie } = await startInstall(query);
    const params = await passDialog(dialog);
    return { ...(await callback(params, cookie)), params, cookie };
  }

  /** The Page token /me/accounts handed out most recently for a Page. */
  const issuedToken = (pageId: string): string => {
    const accounts = suite.graph.calls({ pathIncludes: '/me/accounts' }).at(-1)!.response.body as { data: Array<{ id: string; access_token: string }> };
    return accounts.data.find((p) => p.id === pageId)!.access_token;
  };

  const openThread = async () => {
    const psid = String(nextPsid++);
    await suite.user.sendText(psid, 'hello');
    await sales.waitFor('messaging', (e) => e.psid === psid, `the first message of ${psid}`);
    return psid;
  };

  beforeAll(async () => {
    suite = await startSuite({ META_APP_ID: DEFAULT_EMULATED_APP_ID, ONBOARDING_REDIRECT_URI: REDIRECT_URI, GRAPH_RETRY_BASE_DELAY_MS: '5' });
    // Registered by an operator first: the install must replace the token and keep the apps.
    await suite.registerPage({ name: 'Shoes (manual)', defaultOwnerAppId: 'sales', apps: [{ appId: 'sales' }] });
    sales = await RecordingBot.start({ appId: 'sales', servers: suite.env.natsUrl, prefix: suite.env.prefix });
    db = new pg.Client({ connectionString: suite.env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await sales?.close();
    await db?.end();
    await suite?.stop();
  });

  it('installs Pages end to end: dialog, code, long-lived token, Page tokens sealed, subscribed, checked', async () => {
    suite.graph.reset();
    suite.graph.setLoginUser({ userId: '8001', pages: [{ id: PAGE_ID, name: 'Shoe shop' }, { id: SECOND_PAGE, name: 'Hat shop' }] });
    const { dialog, cookie, setCookie } = await startInstall();
    expect(`${dialog.origin}${dialog.pathname}`).toBe(`${suite.graph.url}/v23.0/dialog/oauth`);
    const state = dialog.searchParams.get('state')!;
    expect(Object.fromEntries(dialog.searchParams)).toEqual({
      client_id: DEFAULT_EMULATED_APP_ID,
      redirect_uri: REDIRECT_URI,
      state,
      scope: 'pages_messaging,pages_manage_metadata,pages_show_list',
      response_type: 'code',
    });
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setCookie).toContain('HttpOnly');

    const answer = await callback(await passDialog(dialog), cookie);
    expect(answer.status).toBe(200);
    expect(answer.body.installed).toEqual([
      { pageId: PAGE_ID, name: 'Shoe shop', tokenStatus: 'valid', subscribedFields: SUBSCRIBED_FIELDS.split(',') },
      { pageId: SECOND_PAGE, name: 'Hat shop', tokenStatus: 'valid', subscribedFields: SUBSCRIBED_FIELDS.split(',') },
    ]);

    // The Graph conversation, in Meta's order.
    const [code, longLived] = oauthCalls();
    expect(code?.query).toMatchObject({ client_id: DEFAULT_EMULATED_APP_ID, client_secret: APP_SECRET, redirect_uri: REDIRECT_URI });
    expect(longLived?.query).toMatchObject({ grant_type: 'fb_exchange_token', fb_exchange_token: (code?.response.body as Body).access_token });
    const accounts = suite.graph.calls({ pathIncludes: '/me/accounts' });
    expect(accounts).toHaveLength(1);
    expect(accounts[0]?.query).toMatchObject({ access_token: (longLived?.response.body as Body).access_token, fields: 'id,name,access_token,tasks' });
    const tokens = [issuedToken(PAGE_ID), issuedToken(SECOND_PAGE)];
    const debugged = suite.graph.calls({ pathIncludes: '/debug_token' }).map((c) => c.query);
    expect(debugged).toEqual(tokens.map((t) => expect.objectContaining({ input_token: t, access_token: `${DEFAULT_EMULATED_APP_ID}|${APP_SECRET}` })));
    const subscribes = suite.graph.calls({ method: 'POST', edge: 'subscribed_apps' });
    expect(subscribes.map((c) => [c.pageId, (c.body as Body).subscribed_fields, c.query.access_token])).toEqual([
      [PAGE_ID, SUBSCRIBED_FIELDS, tokens[0]],
      [SECOND_PAGE, SUBSCRIBED_FIELDS, tokens[1]],
    ]);
    expect(suite.graph.subscriptions(PAGE_ID)).toEqual([{ pageId: PAGE_ID, appId: DEFAULT_EMULATED_APP_ID, fields: SUBSCRIBED_FIELDS.split(',') }]);

    // The database never holds a token (or the state) in clear, in any table of the service.
    const tables = (await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'thread_ownership'`)).rows.map((r) => r.table_name);
    expect(tables).toEqual(expect.arrayContaining(['page', 'onboarding_state']));
    for (const table of tables) {
      const dump = JSON.stringify((await db.query(`SELECT * FROM thread_ownership.${table}`)).rows);
      for (const secret of [...tokens, state, PAGE_TOKEN]) expect(dump).not.toContain(secret);
    }
    expect((await pageRow(PAGE_ID)).access_token_sealed).toMatch(/^v2\./);

    // The operator's apps and default owner survived; the new Page starts with the Page Inbox only.
    const page = await suite.admin('GET', `/pages/${PAGE_ID}`);
    expect(page.body).toMatchObject({ id: PAGE_ID, name: 'Shoe shop', defaultOwnerAppId: 'sales', tokenStatus: 'valid', tokenCheckedAt: expect.any(String) });
    expect(page.body.apps.map((a: Body) => a.app_id)).toContain('sales');
    expect((await suite.admin('GET', `/pages/${SECOND_PAGE}`)).body).toMatchObject({ tokenStatus: 'valid', defaultOwnerAppId: null });

    // Sends now use the installed token.
    const psid = await openThread();
    await sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'sent with the new token' } });
    const sent = suite.graph.calls((c) => (c.body as Body)?.message?.text === 'sent with the new token');
    expect(sent.map((c) => c.query.access_token)).toEqual([tokens[0]]);
  });

  it('starts an install only from an admin\'s invite link: none, forged, expired or without the admin token, nothing happens', async () => {
    const dialogCalls = () => suite.graph.calls({ pathIncludes: '/dialog/oauth' }).length;
    const before = dialogCalls();
    const refusedWith = async (path: string) => {
      const response = await fetch(`${suite.adminUrl}${path}`, { redirect: 'manual' });
      return { status: response.status, code: ((await response.json()) as Body).error?.code, cookie: response.headers.get('set-cookie') };
    };
    const refused = { status: 403, code: ErrorCode.OnboardingInviteInvalid, cookie: null };
    expect(await refusedWith('/onboarding/start')).toEqual(refused);
    expect(await refusedWith('/onboarding/start?invite=v1.99999999999999.forged')).toEqual(refused);
    const link = new URL(await inviteLink([PAGE_ID]));
    const [version, , pages, mac] = link.searchParams.get('invite')!.split('.');
    expect([version, pages]).toEqual(['v2', PAGE_ID]); // the Pages are signed into the invite
    const start = (invite: string, extra = '') => refusedWith(`/onboarding/start?invite=${encodeURIComponent(invite)}${extra}`);
    expect(await start(`v2.1.${pages}.${mac}`)).toEqual(refused); // expired (and altered)
    expect(await start(`v2.9999999999999.${pages}.${mac}`)).toEqual(refused);
    expect(await start(`v2.${link.searchParams.get('invite')!.split('.')[1]}..${mac}`)).toEqual(refused); // widened to any Page
    expect(await start(link.searchParams.get('invite')!, `&page_id=${SECOND_PAGE}`)).toEqual(refused); // a Page outside the invite
    const anonymous = await fetch(`${suite.adminUrl}/onboarding/invites`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(dialogCalls()).toBe(before);
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(302);
  });

  it('refuses a forged state, a state from another browser, and a missing state, before any Graph call', async () => {
    suite.graph.clearCalls();
    const forged = 'A'.repeat(43);
    const params = new URLSearchParams({ code: 'AQforged', state: forged });
    expect(await callback(params, `mho_onboarding_state=${forged}`)).toMatchObject({ status: 403, body: { error: { code: ErrorCode.OnboardingStateInvalid, details: { reason: 'unknown' } } } });

    const { dialog } = await startInstall();
    const real = await passDialog(dialog);
    expect(await callback(real)).toMatchObject({ status: 403, body: { error: { code: ErrorCode.OnboardingStateInvalid, details: { reason: 'browser' } } } });
    expect(await callback(new URLSearchParams({ code: 'x' }))).toMatchObject({ status: 403, body: { error: { details: { reason: 'malformed' } } } });
    expect(oauthCalls()).toHaveLength(0);
  });

  it('refuses a replayed state and an expired one', async () => {
    suite.graph.setLoginUser({ pages: [{ id: SECOND_PAGE, name: 'Hat shop' }] });
    const first = await install();
    expect(first.status).toBe(200);
    const exchanges = oauthCalls().length;
    expect(await callback(first.params, first.cookie)).toMatchObject({ status: 403, body: { error: { code: ErrorCode.OnboardingStateInvalid, details: { reason: 'used' } } } });

    const { dialog, cookie } = await startInstall();
    const params = await passDialog(dialog);
    await db.query(`UPDATE thread_ownership.onboarding_state SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
    expect(await callback(params, cookie)).toMatchObject({ status: 403, body: { error: { code: ErrorCode.OnboardingStateInvalid, details: { reason: 'expired' } } } });
    expect(oauthCalls()).toHaveLength(exchanges);
  });

  it('a denied permission installs nothing: Cancel in the dialog, or pages_messaging not granted', async () => {
    const pagesBefore = await pageCount();
    suite.graph.clearCalls();
    suite.graph.setLoginUser({ pages: [{ id: '1000003' }], deny: true });
    const cancelled = await install();
    expect(cancelled.params.get('error')).toBe('access_denied');
    expect(cancelled).toMatchObject({ status: 403, body: { error: { code: ErrorCode.PermissionDenied, details: { error: 'access_denied', error_reason: 'user_denied' } } } });
    expect(oauthCalls()).toHaveLength(0);

    suite.graph.setLoginUser({ pages: [{ id: '1000003' }], declinedScopes: ['pages_messaging'] });
    const declined = await install();
    expect(declined.status).toBe(403);
    expect(declined.body.error.code).toBe(ErrorCode.PermissionDenied);
    expect(declined.body.error.message).toContain('pages_messaging');
    expect(suite.graph.calls({ pathIncludes: '/debug_token' })).toHaveLength(1);
    expect(suite.graph.calls({ edge: 'subscribed_apps' })).toHaveLength(0);
    expect(await pageCount()).toBe(pagesBefore);
    expect((await suite.admin('GET', '/pages/1000003')).status).toBe(404);
  });

  it('refuses a Page the user does not manage, and takes no Page list at the callback (the Pages are chosen at start)', async () => {
    const pagesBefore = await pageCount();
    suite.graph.clearCalls();
    suite.graph.setLoginUser({ pages: [{ id: SECOND_PAGE }] });
    const atStart = await install('?page_id=1000009');
    expect(atStart).toMatchObject({ status: 403, body: { error: { code: ErrorCode.PageNotManaged, details: { pageIds: ['1000009'] } } } });
    expect(suite.graph.calls({ edge: 'subscribed_apps' })).toHaveLength(0);
    expect(await pageCount()).toBe(pagesBefore);

    const { dialog, cookie } = await startInstall(`?page_id=${SECOND_PAGE}`);
    const params = await passDialog(dialog);
    params.set('pages', `${SECOND_PAGE},1000010`); // not Facebook's: ignored
    const answer = await callback(params, cookie);
    expect(answer.status).toBe(200);
    expect(answer.body.installed.map((p: { pageId: string }) => p.pageId)).toEqual([SECOND_PAGE]);
    expect((await suite.admin('GET', '/pages/1000010')).status).toBe(404);
  });

  describe('retry rules on the send path (emulator injecting each error)', () => {
    let psid: string;
    let sendNo = 0;

    beforeAll(async () => {
      psid = await openThread();
    });

    /** One bot send with `spec` injected once; returns its outcome and how many Send API calls Meta saw. */
    async function sendFailingOnce(spec: GraphErrorSpec, times = 1): Promise<{ code: string; calls: RecordedCall[] }> {
      const text = `retry case ${sendNo++}`;
      suite.graph.failNext({ edge: 'messages', pageId: PAGE_ID }, spec, times);
      const code = await codeOf(sales.suite.send({ pageId: PAGE_ID, psid, message: { text } }));
      suite.graph.clearFaults();
      return { code, calls: suite.graph.calls((c) => (c.body as Body)?.message?.text === text) };
    }

    const retried: Array<[string, GraphErrorSpec]> = [
      ['1200', { code: 1200 }],
      ['2', { code: 2 }],
      ['4', { code: 4 }],
      ['613', { code: 613 }],
      ['613/2534040', { code: 613, error_subcode: 2534040 }],
      ['is_transient: true', { code: 9000, is_transient: true }],
      ['HTTP 502', { code: 1, status: 502, is_transient: false }],
    ];
    it.each(retried)('retries %s and the send succeeds', async (_name, spec) => {
      const { code, calls } = await sendFailingOnce(spec);
      expect(code).toBe('no error');
      expect(calls.map((c) => c.injected)).toEqual([true, false]);
    });

    const notRetried: Array<[string, GraphErrorSpec, string]> = [
      ['10/2018278', { code: 10, error_subcode: 2018278 }, ErrorCode.OutsideMessagingWindow],
      ['10/2018300', { code: 10, error_subcode: 2018300 }, ErrorCode.NotThreadOwner],
      ['551', { code: 551 }, ErrorCode.UserUnavailable],
      ['1545041', { code: 1545041 }, ErrorCode.UserUnavailable],
      ['200/1545041', { code: 200, error_subcode: 1545041 }, ErrorCode.UserUnavailable],
      ['100/2018001', { code: 100, error_subcode: 2018001 }, ErrorCode.UserUnavailable],
      ['613/2018338 (flagged transient)', { code: 613, error_subcode: 2018338, is_transient: true, status: 400 }, ErrorCode.GraphError],
      ['613/1893016', { code: 613, error_subcode: 1893016 }, ErrorCode.GraphError],
    ];
    it.each(notRetried)('does not retry %s: one call, typed refusal', async (_name, spec, expected) => {
      const { code, calls } = await sendFailingOnce(spec);
      expect(code).toBe(expected);
      expect(calls).toHaveLength(1);
    });

    it('gives up after GRAPH_MAX_ATTEMPTS (3) on a failure that stays transient', async () => {
      const { code, calls } = await sendFailingOnce({ code: 2 }, 5);
      expect(code).toBe(ErrorCode.GraphUnavailable);
      expect(calls).toHaveLength(3);
    });

    it('a 190 flags the Page needs_reauth (admin API, database); further sends fail fast without Graph; a new install clears it', async () => {
      const { code, calls } = await sendFailingOnce({ code: 190, error_subcode: 460 });
      expect(code).toBe(ErrorCode.PageNeedsReauth);
      expect(calls).toHaveLength(1);
      const page = await suite.admin('GET', `/pages/${PAGE_ID}`);
      expect(page.body).toMatchObject({ tokenStatus: 'needs_reauth', tokenCheckedAt: expect.any(String) });
      expect((await suite.admin('GET', '/pages')).body.data).toContainEqual(expect.objectContaining({ id: PAGE_ID, tokenStatus: 'needs_reauth' }));
      expect((await pageRow(PAGE_ID)).token_status).toBe('needs_reauth');

      const before = suite.graph.calls({ edge: 'messages' }).length;
      expect(await codeOf(sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'after the 190' } }))).toBe(ErrorCode.PageNeedsReauth);
      expect(suite.graph.calls({ edge: 'messages' })).toHaveLength(before);

      suite.graph.setLoginUser({ pages: [{ id: PAGE_ID, name: 'Shoe shop' }] });
      expect((await install(`?page_id=${PAGE_ID}`)).status).toBe(200);
      expect((await suite.admin('GET', `/pages/${PAGE_ID}`)).body.tokenStatus).toBe('valid');
      await expect(sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'installed again' } })).resolves.toMatchObject({ message_id: expect.any(String) });
    });
  });

  it('the scheduled re-check flags a Page whose token Meta no longer accepts, and only that one', async () => {
    suite.graph.setLoginUser({ pages: [{ id: SECOND_PAGE, name: 'Hat shop' }] });
    expect((await install()).status).toBe(200);
    suite.graph.revokeToken(issuedToken(SECOND_PAGE));
    suite.graph.clearCalls();

    const { PageTokenRecheck } = await import('../../apps/thread-ownership/src/onboarding/page-token-recheck.service.js');
    const result = await suite.apps[0]!.get(PageTokenRecheck).recheckAll();
    expect(result).toEqual({ checked: 2, flagged: [SECOND_PAGE], skipped: [] });
    expect(suite.graph.calls({ pathIncludes: '/debug_token' })).toHaveLength(2);
    expect((await suite.admin('GET', `/pages/${SECOND_PAGE}`)).body.tokenStatus).toBe('needs_reauth');
    expect((await suite.admin('GET', `/pages/${PAGE_ID}`)).body.tokenStatus).toBe('valid');
  });

  // Last: the pause Meta asks for here lasts minutes and would hold every later send to the Page.
  it('honours X-Business-Use-Case-Usage: once Meta says "come back in 5 minutes", sends fail fast without calling Graph', async () => {
    const psid = await openThread();
    suite.graph.setBusinessUsage(PAGE_ID, { call_count: 100, total_time: 40, total_cputime: 40, estimated_time_to_regain_access: 5 });
    await expect(sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'usage reported here' } })).resolves.toMatchObject({ message_id: expect.any(String) });
    const before = suite.graph.calls({ edge: 'messages' }).length;
    const refused = await sales.suite.send({ pageId: PAGE_ID, psid, message: { text: 'paused' } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RpcError);
    expect(refused).toMatchObject({ code: ErrorCode.GraphUnavailable, details: { retry_at: expect.any(String) } });
    expect(suite.graph.calls({ edge: 'messages' })).toHaveLength(before);
  });
});
