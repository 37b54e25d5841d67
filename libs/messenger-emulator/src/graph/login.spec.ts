import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appSecretProof } from '../crypto/hmac.js';
import { createGraphEmulator, DEFAULT_EMULATED_APP_ID, type GraphEmulator } from '../index.js';
import { graphError, httpCall, type Json } from '../testing/http-helpers.js';

const SECRET = 'login-spec-secret';
const APP_TOKEN = `${DEFAULT_EMULATED_APP_ID}|${SECRET}`;
const REDIRECT = 'https://orchestrator.example/onboarding/callback';
const PAGES = [{ id: '3003', name: 'Shoe shop' }, { id: '4004', name: 'Hat shop', tasks: ['ANALYZE'] }];

describe('Graph emulator: Facebook Login, Page tokens, subscribed_apps, debug_token', () => {
  let graph: GraphEmulator;
  const proof = (token: string) => appSecretProof(token, SECRET);
  const get = (path: string, query: Record<string, string>) => httpCall(graph.url, 'GET', path, { query });
  const withToken = (token: string, query: Record<string, string> = {}) => ({ ...query, access_token: token, appsecret_proof: proof(token) });

  /** Visits the dialog like a browser that does not follow redirects. */
  async function dialog(query: Record<string, string> = {}): Promise<{ status: number; location: URL | null }> {
    const url = new URL('/v23.0/dialog/oauth', graph.url);
    const params = { client_id: DEFAULT_EMULATED_APP_ID, redirect_uri: REDIRECT, state: 'st-1', scope: 'pages_messaging,pages_manage_metadata,pages_show_list', response_type: 'code', ...query };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    const response = await fetch(url, { redirect: 'manual' });
    const location = response.headers.get('location');
    return { status: response.status, location: location ? new URL(location) : null };
  }

  const exchange = (code: string, overrides: Record<string, string> = {}) =>
    get('/v23.0/oauth/access_token', { client_id: DEFAULT_EMULATED_APP_ID, client_secret: SECRET, redirect_uri: REDIRECT, code, ...overrides });

  async function userToken(longLived = true): Promise<string> {
    const { location } = await dialog();
    const short = (await exchange(location!.searchParams.get('code')!)).body.access_token as string;
    if (!longLived) return short;
    const long = await get('/v23.0/oauth/access_token', { grant_type: 'fb_exchange_token', client_id: DEFAULT_EMULATED_APP_ID, client_secret: SECRET, fb_exchange_token: short });
    return long.body.access_token as string;
  }

  async function pageTokens(): Promise<Json[]> {
    const accounts = await get('/v23.0/me/accounts', withToken(await userToken(), { fields: 'id,name,access_token,tasks' }));
    return accounts.body.data as Json[];
  }

  const debug = (input: string) => get('/v23.0/debug_token', withToken(APP_TOKEN, { input_token: input }));

  beforeAll(async () => {
    graph = await createGraphEmulator({ appSecret: SECRET });
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.reset();
    graph.setLoginUser({ userId: '555', pages: PAGES });
  });

  it('the dialog redirects back with a code and the state, and records the visit', async () => {
    const { status, location } = await dialog();
    expect(status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(REDIRECT);
    expect(location!.searchParams.get('state')).toBe('st-1');
    expect(location!.searchParams.get('code')).toMatch(/^AQ/);
    expect(graph.calls({ pathIncludes: '/dialog/oauth' })[0]?.query).toMatchObject({ scope: 'pages_messaging,pages_manage_metadata,pages_show_list' });
  });

  const cancellations: Array<[string, () => void, Record<string, string>]> = [
    ['the login user presses Cancel', () => graph.setLoginUser({ pages: PAGES, deny: true }), {}],
    ['the deny switch is on', () => graph.denyLogins(true), {}],
    ['the dialog URL asks for it', () => undefined, { emulator_deny: '1' }],
  ];
  it.each(cancellations)('the dialog answers access_denied when %s', async (_name, arrange, query) => {
    arrange();
    const { status, location } = await dialog(query);
    expect(status).toBe(302);
    expect(location!.searchParams.get('error')).toBe('access_denied');
    expect(location!.searchParams.get('error_reason')).toBe('user_denied');
    expect(location!.searchParams.get('state')).toBe('st-1');
    expect(location!.searchParams.has('code')).toBe(false);
  });

  it('the dialog refuses an unknown app id or a missing redirect_uri with an error page', async () => {
    expect((await dialog({ client_id: '42' })).status).toBe(400);
    expect((await dialog({ redirect_uri: 'not a url' })).status).toBe(400);
  });

  it('exchanges a code once, only with the same redirect_uri and the app secret', async () => {
    const code = (await dialog()).location!.searchParams.get('code')!;
    expect(graphError(await exchange(code, { client_secret: 'wrong' }))).toMatchObject({ code: 1, is_transient: false });
    expect(graphError(await exchange(code, { client_id: '42' })).code).toBe(101);
    expect(graphError(await exchange(code, { redirect_uri: `${REDIRECT}?x=1` }))).toMatchObject({ code: 100, error_subcode: 36008 });
    const first = await exchange(code);
    expect(first.body).toMatchObject({ access_token: expect.stringMatching(/^EAAS/), token_type: 'bearer', expires_in: 3600 });
    expect(graphError(await exchange(code))).toMatchObject({ code: 100, error_subcode: 36009 });
    expect(graphError(await exchange('AQnope'))).toMatchObject({ code: 100, error_subcode: 36007 });
  });

  it('exchanges a short-lived user token for a long-lived one, but not an unknown token', async () => {
    const long = await userToken();
    expect(long).toMatch(/^EAAL/);
    const refused = await get('/v23.0/oauth/access_token', { grant_type: 'fb_exchange_token', client_id: DEFAULT_EMULATED_APP_ID, client_secret: SECRET, fb_exchange_token: 'nope' });
    expect(graphError(refused).code).toBe(190);
  });

  it('/me/accounts lists the user’s Pages with fresh Page tokens that work on the Send API', async () => {
    const pages = await pageTokens();
    expect(pages).toEqual([
      { id: '3003', name: 'Shoe shop', access_token: expect.stringMatching(/^EAAP/), tasks: ['ANALYZE', 'ADVERTISE', 'MESSAGING', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'] },
      { id: '4004', name: 'Hat shop', access_token: expect.stringMatching(/^EAAP/), tasks: ['ANALYZE'] },
    ]);
    const token = pages[0]!.access_token as string;
    const sent = await httpCall(graph.url, 'POST', '/v23.0/me/messages', { query: withToken(token), json: { recipient: { id: '1' }, message: { text: 'hi' } } });
    expect(sent.status).toBe(200);
    expect(graph.calls({ edge: 'messages' })[0]?.pageId).toBe('3003');
    expect(graphError(await get('/v23.0/me/accounts', withToken('not-a-user-token'))).code).toBe(190);
  });

  it('subscribes, lists and unsubscribes the app with a Page token; validates the fields', async () => {
    const token = (await pageTokens())[0]!.access_token as string;
    const subscribe = (fields: string) => httpCall(graph.url, 'POST', '/v23.0/3003/subscribed_apps', { query: withToken(token), form: { subscribed_fields: fields } });
    expect((await subscribe('messages,messaging_handovers,standby')).body).toEqual({ success: true });
    expect(graph.subscriptions('3003')).toEqual([{ pageId: '3003', appId: DEFAULT_EMULATED_APP_ID, fields: ['messages', 'messaging_handovers', 'standby'] }]);
    const listed = await get('/v23.0/3003/subscribed_apps', withToken(token));
    expect(listed.body.data).toEqual([expect.objectContaining({ id: DEFAULT_EMULATED_APP_ID, subscribed_fields: ['messages', 'messaging_handovers', 'standby'] })]);
    expect(graphError(await subscribe('messages,bogus')).code).toBe(100);
    expect(graphError(await httpCall(graph.url, 'POST', '/v23.0/4004/subscribed_apps', { query: withToken(token), form: { subscribed_fields: 'messages' } })).code).toBe(100);
    expect((await httpCall(graph.url, 'DELETE', '/v23.0/3003/subscribed_apps', { query: withToken(token) })).body).toEqual({ success: true });
    expect(graph.subscriptions('3003')).toEqual([]);
  });

  it('subscribing needs pages_manage_metadata', async () => {
    graph.setLoginUser({ pages: PAGES, declinedScopes: ['pages_manage_metadata'] });
    const token = (await pageTokens())[0]!.access_token as string;
    const refused = await httpCall(graph.url, 'POST', '/v23.0/3003/subscribed_apps', { query: withToken(token), form: { subscribed_fields: 'messages' } });
    expect(graphError(refused).code).toBe(200);
  });

  it('debug_token describes issued tokens: type, scopes, validity, non-expiring Page tokens', async () => {
    graph.setLoginUser({ userId: '555', pages: PAGES, declinedScopes: ['pages_messaging'] });
    const token = (await pageTokens())[0]!.access_token as string;
    const info = (await debug(token)).body.data as Json;
    expect(info).toMatchObject({ app_id: DEFAULT_EMULATED_APP_ID, type: 'PAGE', is_valid: true, expires_at: 0, user_id: '555', profile_id: '3003' });
    expect(info.scopes).toEqual(['pages_manage_metadata', 'pages_show_list']);
    graph.setTokenInfo(token, { scopes: ['pages_messaging'] });
    expect((await debug(token)).body.data).toMatchObject({ scopes: ['pages_messaging'], is_valid: true });
  });

  it('a revoked token fails with 190 on Graph and is invalid for debug_token', async () => {
    const token = (await pageTokens())[0]!.access_token as string;
    graph.revokeToken(token);
    const sent = await httpCall(graph.url, 'POST', '/v23.0/3003/messages', { query: withToken(token), json: { recipient: { id: '1' }, message: { text: 'hi' } } });
    expect(graphError(sent).code).toBe(190);
    expect((await debug(token)).body.data).toMatchObject({ is_valid: false });
    expect(graph.tokenInfo(token)).toBeUndefined();
  });

  it('debug_token needs the app token (and its appsecret_proof)', async () => {
    expect(graphError(await get('/v23.0/debug_token', withToken('999|x', { input_token: 'a' }))).code).toBe(190);
    expect(graphError(await get('/v23.0/debug_token', { input_token: 'a', access_token: APP_TOKEN })).code).toBe(100);
    // In lenient mode a token the emulator did not issue is an ordinary valid Page token.
    expect((await debug('some-configured-token')).body.data).toMatchObject({ is_valid: true, scopes: expect.arrayContaining(['pages_messaging']) });
  });

  it('reports X-Business-Use-Case-Usage for a Page on successes and injected failures', async () => {
    graph.setBusinessUsage('3003', { call_count: 100, total_time: 10, total_cputime: 10, estimated_time_to_regain_access: 2 });
    graph.failNext({ edge: 'messages' }, { code: 613 });
    for (const expected of [400, 200]) {
      const response = await fetch(`${graph.url}/v23.0/3003/messages?access_token=t&appsecret_proof=${proof('t')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ recipient: { id: '1' }, message: { text: 'x' } }),
      });
      expect(response.status).toBe(expected);
      expect(JSON.parse(response.headers.get('x-business-use-case-usage')!)).toEqual({
        '3003': [{ type: 'messenger', call_count: 100, total_time: 10, total_cputime: 10, estimated_time_to_regain_access: 2 }],
      });
    }
    const other = await fetch(`${graph.url}/v23.0/4004/messages?access_token=t&appsecret_proof=${proof('t')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recipient: { id: '1' }, message: { text: 'x' } }),
    });
    expect(other.headers.get('x-business-use-case-usage')).toBeNull();
  });

  it('drives everything through the control API as well', async () => {
    const control = (method: string, path: string, json?: unknown) => httpCall(graph.url, method, `/_emulator${path}`, { json });
    expect((await control('PUT', '/login-user', { userId: '7', pages: [{ id: '9009' }], deny: true })).status).toBe(200);
    expect((await dialog()).location!.searchParams.get('error')).toBe('access_denied');
    expect((await control('PUT', '/login-user', { pages: 'nope' })).status).toBe(400);
    expect((await control('POST', '/tokens/revoke', { token: 'tok' })).status).toBe(204);
    expect((await debug('tok')).body.data).toMatchObject({ is_valid: false });
    expect((await control('PUT', '/tokens/info', { token: 'tok2', scopes: ['pages_show_list'] })).status).toBe(204);
    expect((await debug('tok2')).body.data).toMatchObject({ is_valid: true, scopes: ['pages_show_list'] });
    expect((await control('PUT', '/business-usage/9009', { call_count: 1, total_time: 1, total_cputime: 1 })).status).toBe(204);
    expect((await control('GET', '/subscriptions')).body).toEqual({ subscriptions: [] });
    expect((await control('POST', '/reset')).status).toBe(204);
    expect((await dialog()).location!.searchParams.has('code')).toBe(true);
  });
});
