import { PAGE_INBOX_APP_ID } from '@app/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageListResponseSchema, pageResponseSchema } from '../../apps/thread-ownership/src/admin/admin.responses.js';
import { RecordingBot } from '../support/recording-bot.js';
import { PAGE_ID, PAGE_TOKEN, startSuite, type RunningSuite } from '../support/suite.js';

/**
 * The Page registry as an operator changes it: adding a bot needs neither the Page's token again
 * nor the whole registration, and a re-registration keeps what the health monitor decided.
 */
describe('changing a Page registration', () => {
  let suite: RunningSuite;
  const bots: RecordingBot[] = [];
  const connection = () => ({ servers: suite.env.natsUrl, prefix: suite.env.prefix });
  const page = async () => (await suite.admin('GET', `/pages/${PAGE_ID}`)).body;
  const app = async (appId: string) => (await page()).apps.find((a: { app_id: string }) => a.app_id === appId);

  beforeAll(async () => {
    suite = await startSuite();
    await suite.registerPage({ defaultOwnerAppId: 'sales', apps: [{ appId: 'sales' }, { appId: 'support', subscribed: false }] });
  }, 60_000);

  afterAll(async () => {
    for (const bot of bots) await bot.close();
    await suite?.stop();
  });

  it('refuses a new Page without a token, naming the field', async () => {
    const refused = await suite.admin('PUT', '/pages/1000999', { apps: [{ appId: 'sales' }] });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', message: expect.stringContaining('accessToken') });
    expect((await suite.admin('GET', '/pages/1000999')).status).toBe(404);
  });

  it('re-registers a Page without its token (kept: the owner can still send) and keeps an unsubscribed app unsubscribed', async () => {
    const sales = await RecordingBot.start({ appId: 'sales', ...connection() }, (event, ctx) => ctx.reply({ text: `echo ${event.psid}` }));
    bots.push(sales);
    const again = await suite.admin('PUT', `/pages/${PAGE_ID}`, { name: 'Renamed', defaultOwnerAppId: 'sales', apps: [{ appId: 'sales' }, { appId: 'support' }] });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ name: 'Renamed', tokenStatus: 'valid' });
    // What the API description promises is what the routes answer.
    expect(pageResponseSchema.parse(again.body)).toEqual(again.body);
    const list = (await suite.admin('GET', '/pages')).body;
    expect(pageListResponseSchema.parse(list).data.map((p) => p.id)).toContain(PAGE_ID);
    expect(await app('support')).toMatchObject({ subscribed: false });

    await suite.user.sendText('7300001', 'hello');
    await sales.waitFor('messaging', (e) => e.psid === '7300001', 'the message');
    // The send went out with the Page's token as first registered.
    const sent = await suite.graph.waitForCall((c) => c.edge === 'messages' && JSON.stringify(c.body).includes('echo 7300001'));
    expect(sent.query.access_token).toBe(PAGE_TOKEN);
    expect(sent.response.status).toBe(200);
  });

  it('adds one bot with PUT /pages/:pageId/apps/:appId: it hears its role and gets standby copies; the other apps stay as they were', async () => {
    const survey = await RecordingBot.start({ appId: 'survey', ...connection() });
    bots.push(survey);
    const added = await suite.admin('PUT', `/pages/${PAGE_ID}/apps/survey`, {});
    expect(added.status).toBe(200);
    expect(added.body.apps.find((a: { app_id: string }) => a.app_id === 'survey')).toMatchObject({ role: 'bot', can_take: false, subscribed: true });
    expect(await app('support')).toMatchObject({ subscribed: false });
    expect(await app(PAGE_INBOX_APP_ID)).toMatchObject({ role: 'inbox', can_take: true });
    await survey.waitFor('handover', (e) => e.kind === 'app_roles', 'app_roles');
    await suite.user.sendText('7300002', 'hi all');
    await survey.waitFor('standby', (e) => e.psid === '7300002', 'the message as a watcher');

    const changed = await suite.admin('PUT', `/pages/${PAGE_ID}/apps/survey`, { canTake: true });
    expect(changed.body.apps.find((a: { app_id: string }) => a.app_id === 'survey')).toMatchObject({ can_take: true, subscribed: true });
  });

  it("frees a removed app's threads: the user's next message goes to the default app, and the history says why", async () => {
    const sales = bots[0]!;
    const psid = '7300003';
    await suite.user.sendText(psid, 'first');
    await sales.waitFor('messaging', (e) => e.psid === psid, 'the first message');
    expect((await suite.admin('PUT', `/pages/${PAGE_ID}/apps/temp`, {})).status).toBe(200);
    expect((await suite.admin('POST', `/pages/${PAGE_ID}/threads/${psid}/pass`, { appId: 'sales', targetAppId: 'temp' })).status).toBe(200);
    const current = (await page()).apps.map((a: { app_id: string; can_take: boolean; subscribed: boolean }) => ({ appId: a.app_id, canTake: a.can_take, subscribed: a.subscribed }));
    const without = current.filter((a: { appId: string }) => a.appId !== 'temp');
    expect((await suite.admin('PUT', `/pages/${PAGE_ID}`, { name: 'Renamed', defaultOwnerAppId: 'sales', apps: without })).status).toBe(200);

    await suite.user.sendText(psid, 'anyone there?');
    await sales.waitFor('messaging', (e) => e.psid === psid && JSON.stringify(e.event).includes('anyone there?'), 'the message after temp left');
    const thread = (await suite.admin('GET', `/pages/${PAGE_ID}/threads/${psid}`)).body;
    expect(thread.ownerAppId).toBe('sales');
    expect(thread.history.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['pass', 'app_removed', 'default']));
  });

  it('removes one app with DELETE /pages/:pageId/apps/:appId, but never the Page Inbox or the default app', async () => {
    expect((await suite.admin('PUT', `/pages/${PAGE_ID}/apps/brief`, {})).status).toBe(200);
    const removed = await suite.admin('DELETE', `/pages/${PAGE_ID}/apps/brief`);
    expect(removed.status).toBe(200);
    expect(removed.body.apps.map((a: { app_id: string }) => a.app_id)).not.toContain('brief');
    const again = await suite.admin('DELETE', `/pages/${PAGE_ID}/apps/brief`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('UNKNOWN_APP');
    const defaultApp = await suite.admin('DELETE', `/pages/${PAGE_ID}/apps/sales`);
    expect(defaultApp.status).toBe(400);
    expect(defaultApp.body.error.message).toContain('default app');
    const inbox = await suite.admin('DELETE', `/pages/${PAGE_ID}/apps/${PAGE_INBOX_APP_ID}`);
    expect(inbox.status).toBe(400);
    expect((await app('sales'))).toBeDefined();
    expect((await app(PAGE_INBOX_APP_ID))).toBeDefined();
  });

  it('answers a wrong per-app change with a clear error and changes nothing', async () => {
    const before = await page();
    const unknownPage = await suite.admin('PUT', '/pages/1000998/apps/survey', {});
    expect(unknownPage.status).toBe(404);
    expect(unknownPage.body.error.code).toBe('UNKNOWN_PAGE');
    const inboxRole = await suite.admin('PUT', `/pages/${PAGE_ID}/apps/survey`, { role: 'inbox' });
    expect(inboxRole.status).toBe(400);
    expect(inboxRole.body.error.message).toContain('Page Inbox');
    const unknownField = await suite.admin('PUT', `/pages/${PAGE_ID}/apps/survey`, { can_take: true });
    expect(unknownField.status).toBe(400);
    const badId = await suite.admin('PUT', `/pages/${PAGE_ID}/apps/Not%20An%20Id`, {});
    expect(badId.status).toBe(400);
    expect((await page()).apps).toEqual(before.apps);
  });
});
