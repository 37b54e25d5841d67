import { createGraphEmulator, DEFAULT_EMULATED_APP_ID, type GraphEmulator } from '@app/messenger-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphApiError } from './graph-api.error.js';
import { GraphClient } from './graph-client.js';
import { loginDialogUrl, MESSENGER_SUBSCRIBED_FIELDS, PageInstallApi } from './page-install-api.js';

const SECRET = 'install-api-secret';
const REDIRECT = 'https://orchestrator.example/onboarding/callback';

describe('PageInstallApi against the Graph emulator', () => {
  let graph: GraphEmulator;
  let sut: PageInstallApi;

  beforeAll(async () => {
    graph = await createGraphEmulator({ appSecret: SECRET });
    sut = new PageInstallApi(new GraphClient({ baseUrl: graph.url, version: 'v23.0', appSecret: SECRET }), { appId: DEFAULT_EMULATED_APP_ID, appSecret: SECRET });
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.reset();
    graph.setLoginUser({ userId: '42', pages: [{ id: '3003', name: 'Shoe shop' }] });
  });

  async function codeFromDialog(): Promise<string> {
    const url = loginDialogUrl({ dialogBaseUrl: graph.url, version: 'v23.0', appId: DEFAULT_EMULATED_APP_ID, redirectUri: REDIRECT, state: 's' });
    const response = await fetch(url, { redirect: 'manual' });
    return new URL(response.headers.get('location')!).searchParams.get('code')!;
  }

  it('builds the dialog URL Meta documents', () => {
    const url = new URL(loginDialogUrl({ dialogBaseUrl: 'https://www.facebook.com/', version: 'v23.0', appId: '123', redirectUri: REDIRECT, state: 'abc' }));
    expect(`${url.origin}${url.pathname}`).toBe('https://www.facebook.com/v23.0/dialog/oauth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: '123',
      redirect_uri: REDIRECT,
      state: 'abc',
      scope: 'pages_messaging,pages_manage_metadata,pages_show_list',
      response_type: 'code',
    });
  });

  it('code → short-lived → long-lived → Pages → subscribe → debug_token', async () => {
    const short = await sut.exchangeCode(await codeFromDialog(), REDIRECT);
    const long = await sut.exchangeForLongLived(short.access_token);
    expect(long.expires_in).toBeGreaterThan(50 * 24 * 3600);
    const [page] = await sut.managedPages(long.access_token);
    expect(page).toMatchObject({ id: '3003', name: 'Shoe shop', access_token: expect.any(String), tasks: expect.arrayContaining(['MESSAGING']) });
    await sut.subscribeApp(page!.id, page!.access_token);
    await expect(sut.subscribedFields(page!.id, page!.access_token)).resolves.toEqual([...MESSENGER_SUBSCRIBED_FIELDS]);
    await expect(sut.debugToken(page!.access_token)).resolves.toMatchObject({ is_valid: true, type: 'PAGE', expires_at: 0, scopes: expect.arrayContaining(['pages_messaging']) });

    const oauth = graph.calls({ pathIncludes: '/oauth/access_token' });
    expect(oauth[0]?.query).toMatchObject({ client_id: DEFAULT_EMULATED_APP_ID, client_secret: SECRET, redirect_uri: REDIRECT });
    expect(oauth[1]?.query).toMatchObject({ grant_type: 'fb_exchange_token', fb_exchange_token: short.access_token });
    expect(graph.calls({ pathIncludes: '/me/accounts' })[0]?.query).toMatchObject({ fields: 'id,name,access_token,tasks' });
    expect(graph.calls({ pathIncludes: '/debug_token' })[0]?.query).toMatchObject({ access_token: `${DEFAULT_EMULATED_APP_ID}|${SECRET}`, input_token: page!.access_token });
  });

  it('a used code is refused with Meta’s typed error', async () => {
    const code = await codeFromDialog();
    await sut.exchangeCode(code, REDIRECT);
    const error = await sut.exchangeCode(code, REDIRECT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ code: 100, subcode: 36009 });
  });
});
