import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PAGE_INBOX_APP_ID } from '@app/contracts';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingBot, textOf } from '../support/recording-bot.js';
import { ADMIN_TOKEN, CONSOLE_PASSWORD, PAGE_ID, startSuite, type RunningSuite } from '../support/suite.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Issue 8: the operator console in a real browser (Debian's Chromium driven by playwright-core)
 * against the whole suite in-process: login, a conversation appearing live, an operator taking
 * it for the Page Inbox, the bot then on standby, a resubscribe. Screenshots go to .run/ (docs/ with CONSOLE_SCREENSHOTS=docs).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing) {
  console.warn(
    `\n[console e2e] SKIPPED the browser tests: no Chromium at ${CHROMIUM}. ` +
      'npm test installs it (scripts/ensure-deps.sh --with-browser: apt-get install -y chromium); set CHROMIUM_PATH to use another build.\n',
  );
}
// A test run must not rewrite tracked files: screenshots go to .run/ unless asked for the docs
// (`CONSOLE_SCREENSHOTS=docs npx vitest run test/e2e/console.e2e-spec.ts` refreshes docs/console-*.png).
const SHOTS = fileURLToPath(new URL(process.env.CONSOLE_SCREENSHOTS === 'docs' ? '../../docs/' : '../../.run/', import.meta.url));
const screenshot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}console-${name}.png`, fullPage: true });

const textIs = (page: Page, selector: string, expected: string, timeout = 20_000) =>
  page.waitForFunction(
    ([sel, text]) => document.querySelector(sel as string)?.textContent?.trim() === text,
    [selector, expected],
    { timeout },
  );

describe('operator console', () => {
  let suite: RunningSuite;
  let sales: RecordingBot;
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Served as behind a TLS proxy on this host: the console believes it about client addresses.
    suite = await startSuite({ CONSOLE_TRUST_PROXY: '127.0.0.1' }, { console: true });
    await suite.registerPage({ name: 'Console Test Shoes', defaultOwnerAppId: 'sales', apps: [{ appId: 'sales' }, { appId: 'support', canTake: true }] });
    sales = await RecordingBot.start({ appId: 'sales', servers: suite.env.natsUrl, prefix: suite.env.prefix }, async (event, ctx) => {
      if (textOf(event)?.includes('order #1234')) await ctx.reply('Let me look up order #1234 for you.');
    });
    if (!chromiumMissing) {
      mkdirSync(SHOTS, { recursive: true });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await sales?.close();
    await suite?.stop();
  });

  it('keeps every page, stream and action behind the login', async () => {
    const url = suite.consoleUrl!;
    const page = await fetch(`${url}/`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
    for (const [method, path] of [['GET', '/events'], ['GET', `/fragments/threads/${PAGE_ID}/1/row`], ['POST', `/actions/threads/${PAGE_ID}/1/take`]]) {
      const response = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
    const forged = await fetch(`${url}/`, { redirect: 'manual', headers: { accept: 'text/html', cookie: 'mho_console_session=v1.9999999999999.abc.forged' } });
    expect(forged.status).toBe(303);
    expect((await fetch(`${url}/health`)).status).toBe(200);

    // A logged-in event stream, left open on purpose: stopping the suite must still end (afterAll).
    const login = await fetch(`${url}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ password: CONSOLE_PASSWORD }) });
    expect(login.status).toBe(303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    // Actions take JSON only, even with a valid session: a cross-site HTML form cannot post them.
    const form = await fetch(`${url}/actions/threads/${PAGE_ID}/1/take`, { method: 'POST', headers: { cookie }, body: new URLSearchParams({ targetAppId: 'sales' }) });
    expect(form.status).toBe(415);
    // A mistyped conversation link: a page of the console with the reason and its own status, not a 500 or the API's JSON.
    const badPage = await fetch(`${url}/pages/abc/threads/1`, { headers: { cookie, accept: 'text/html' } });
    expect(badPage.status).toBe(400);
    expect(badPage.headers.get('content-type')).toMatch(/^text\/html/);
    const shown = await badPage.text();
    expect(shown, shown).toMatch(/This page cannot be shown/);
    expect(shown).toMatch(/role="alert">[^<]+</);
    const events = await fetch(`${url}/events`, { headers: { cookie } });
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const first = await events.body!.getReader().read();
    expect(new TextDecoder().decode(first.value)).toContain('retry: 2000');
  });

  it('marks the session cookie Secure when the login came over HTTPS through the trusted proxy (CONSOLE_COOKIE_SECURE=auto)', async () => {
    const login = (headers: Record<string, string>) =>
      fetch(`${suite.consoleUrl}/login`, { method: 'POST', redirect: 'manual', headers, body: new URLSearchParams({ password: CONSOLE_PASSWORD }) });
    const overHttps = await login({ 'x-forwarded-proto': 'https' });
    expect(overHttps.status).toBe(303);
    expect(overHttps.headers.get('set-cookie')).toMatch(/; Secure$/);
    const plain = await login({});
    expect(plain.status).toBe(303);
    expect(plain.headers.get('set-cookie')).toMatch(/^mho_console_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  });

  it('logging out ends the session itself: a copy of the cookie no longer opens anything', async () => {
    const url = suite.consoleUrl!;
    const login = await fetch(`${url}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ password: CONSOLE_PASSWORD }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const home = () => fetch(`${url}/`, { redirect: 'manual', headers: { accept: 'text/html', cookie } });
    expect((await home()).status).toBe(200);
    // As the page's "Log out" button posts it: an HTML form, application/x-www-form-urlencoded, empty.
    const logout = await fetch(`${url}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie }, body: new URLSearchParams() });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('location')).toBe('/login');
    expect(logout.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await home()).status).toBe(303); // to /login
    const action = await fetch(`${url}/actions/threads/${PAGE_ID}/1/take`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(action.status).toBe(401);
  });

  it('sends the operator back to the page they asked for after logging in, and only to a page of the console', async () => {
    const url = suite.consoleUrl!;
    const wanted = `/pages/${PAGE_ID}/threads/3000001`;
    const asked = await fetch(`${url}${wanted}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(asked.status).toBe(303);
    const loginPath = asked.headers.get('location')!;
    expect(loginPath).toBe(`/login?next=${encodeURIComponent(wanted)}`);
    expect(await (await fetch(`${url}${loginPath}`)).text()).toContain(`action="/login?next=${encodeURIComponent(wanted)}"`);
    const login = (next: string) =>
      fetch(`${url}/login?next=${encodeURIComponent(next)}`, { method: 'POST', redirect: 'manual', headers: { 'x-forwarded-for': '192.0.2.78' }, body: new URLSearchParams({ password: CONSOLE_PASSWORD }) });
    expect((await login(wanted)).headers.get('location')).toBe(wanted);
    expect((await login('//evil.example/phish')).headers.get('location')).toBe('/');
  });

  it('explains an action that would change nothing instead of passing a bot to itself', async () => {
    const url = suite.consoleUrl!;
    const login = await fetch(`${url}/login`, { method: 'POST', redirect: 'manual', headers: { 'x-forwarded-for': '192.0.2.77' }, body: new URLSearchParams({ password: CONSOLE_PASSWORD }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const act = async (psid: string, action: string, body: Record<string, unknown> = {}) => {
      const response = await fetch(`${url}/actions/threads/${PAGE_ID}/${psid}/${action}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, text: await response.text() };
    };
    const psid = '3000077';
    await suite.user.sendText(psid, 'hello there');
    await sales.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'hello there', 'the message');
    expect((await act(psid, 'take')).status).toBe(200);
    const again = await act(psid, 'take');
    expect(again.status).toBe(403);
    expect(again.text).toContain('already owns this conversation');
    expect((await act(psid, 'release')).status).toBe(200);
    const toDefault = await act(psid, 'pass', { targetAppId: 'sales' });
    expect(toDefault.status).toBe(403);
    expect(toDefault.text).toContain("idle and sales is the Page's default app");
    expect((await act(psid, 'pass', { targetAppId: 'support' })).status).toBe(200);
    const toOwner = await act(psid, 'pass', { targetAppId: 'support' });
    expect(toOwner.text).toContain('support already owns this conversation');
  });

  it('counts wrong passwords per client behind a trusted proxy: one client cannot lock the others out', async () => {
    const attempt = (client: string, password: string) =>
      fetch(`${suite.consoleUrl}/login`, { method: 'POST', redirect: 'manual', headers: { 'x-forwarded-for': client }, body: new URLSearchParams({ password }) });
    for (let i = 0; i < 10; i++) expect((await attempt('203.0.113.9', 'not-the-password')).status).toBe(401);
    expect((await attempt('203.0.113.9', CONSOLE_PASSWORD)).status).toBe(429);
    expect((await attempt('198.51.100.2', CONSOLE_PASSWORD)).status).toBe(303);
  });

  it.skipIf(chromiumMissing)('refuses a wrong password', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.goto(`${suite.consoleUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, 'login');
    await page.fill('#password', 'not-the-password');
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'), page.click('button[type=submit]')]);
    expect(response.status()).toBe(401);
    expect((await page.textContent('#login-error'))?.trim()).toBe('Wrong password.');
    expect(await context.cookies()).toEqual([]);
    await screenshot(page, 'login-refused');
    await context.close();
  });

  it.skipIf(chromiumMissing)('shows a conversation live; the operator takes it; the bot is then on standby', { timeout: 90_000 }, async () => {
    const psid = '3000001';
    const row = `#thread-${PAGE_ID}-${psid}`;
    // Another conversation with a one-time notification token, so the Page card has something to show.
    await suite.user.sendText('3000002', 'Tell me when the trail shoes are back');
    await suite.user.optInOneTimeNotification('3000002', 'back-in-stock');
    await waitFor(async () => {
      const inventory = (await fetch(`${suite.notificationsUrl}/pages/${PAGE_ID}/tokens`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.json())) as { byTopic: unknown[] };
      return inventory.byTopic.length > 0 ? true : undefined;
    }, 'the opt-in token to be stored');

    const context = await browser!.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${suite.consoleUrl}/login`);
    await page.fill('#password', CONSOLE_PASSWORD);
    await Promise.all([page.waitForURL(`${suite.consoleUrl}/`), page.click('button[type=submit]')]);
    const cookie = (await context.cookies()).find((c) => c.name === 'mho_console_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.waitForSelector('#live-status[data-state=live]');
    // A marker that a reload would wipe: everything below must arrive without one.
    await page.evaluate(() => Object.assign(window, { __noReload: true }));

    await suite.user.sendText(psid, 'Hi! Where is my order #1234?');
    await sales.waitFor('messaging', (e) => e.psid === psid && textOf(e) === 'Hi! Where is my order #1234?', 'the first message', 20_000);
    await page.waitForSelector(row, { timeout: 20_000 });
    await textIs(page, `${row} .owner`, 'sales');
    // The bot's reply (thread-ownership's `events.outbound.sent` fact) arrives live too.
    await textIs(page, `${row} .summary`, 'Let me look up order #1234 for you.');
    expect(await page.textContent(`${row} .window-cell`)).toMatch(/^(23h 5\dm|1d 0h) left$/);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await screenshot(page, 'dashboard');

    await page.click(`${row} button[data-action=take]`);
    await textIs(page, `${row} .owner`, 'Page Inbox');
    const handover = await sales.waitFor('handover', (e) => e.psid === psid && e.kind === 'take_thread_control', 'the take', 20_000);
    expect(handover.event.take_thread_control).toMatchObject({ previous_owner_app_id: 'sales', new_owner_app_id: PAGE_INBOX_APP_ID });
    expect(handover.ownerAppId).toBe(PAGE_INBOX_APP_ID);

    await suite.user.sendText(psid, 'Can a person help me?');
    const standby = await sales.waitFor('standby', (e) => e.psid === psid && textOf(e) === 'Can a person help me?', 'the next message', 20_000);
    expect(standby.ownerAppId).toBe(PAGE_INBOX_APP_ID);
    expect(sales.received('messaging', (e) => textOf(e) === 'Can a person help me?')).toHaveLength(0);
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('Can a person help me?'), `${row} .summary`, { timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

    await Promise.all([page.waitForURL(`**/pages/${PAGE_ID}/threads/${psid}`), page.click(`${row} a.user`)]);
    await page.waitForSelector('#live-status[data-state=live]');
    await textIs(page, '#thread-owner', 'Page Inbox');
    // The buttons follow the owner: no Take while the agents have it.
    expect(await page.isDisabled('.action-bar button[data-action=take]')).toBe(true);
    expect(await page.isDisabled('.action-bar button[data-action=release]')).toBe(false);
    const timeline = () => page.textContent('#timeline');
    expect(await timeline()).toContain('Hi! Where is my order #1234?');
    expect(await page.textContent('#timeline li.entry.out')).toMatch(/by sales.*Let me look up order #1234 for you\./s);
    expect(await timeline()).toContain('Page Inbox took the thread from sales');
    expect(await timeline()).toContain('operator console: a human agent took over');
    expect(await page.textContent('table.audit')).toContain('take');

    // The thread page is live too: the next message shows up in the timeline without a reload.
    await page.evaluate(() => Object.assign(window, { __noReload: true }));
    await suite.user.sendText(psid, 'Thanks, I will wait');
    await page.waitForFunction(() => document.querySelector('#timeline')?.textContent?.includes('Thanks, I will wait'), undefined, { timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

    // Pass it back to the bot from the thread page.
    await page.fill('#action-note', 'order found, back to you');
    await page.selectOption('#pass-target', 'sales');
    await page.click('button[data-action=pass]');
    await textIs(page, '#thread-owner', 'sales');
    await page.waitForFunction(() => (document.querySelector('.action-bar button[data-action=take]') as HTMLButtonElement | null)?.disabled === false, undefined, { timeout: 20_000 });
    // sales owns it now: not offered as a pass target
    expect(await page.evaluate(() => (document.querySelector('#pass-target option[value=sales]') as HTMLOptionElement | null)?.disabled)).toBe(true);
    const passBack = await sales.waitFor('handover', (e) => e.psid === psid && e.kind === 'pass_thread_control', 'the pass back', 20_000);
    expect(passBack.event.pass_thread_control).toMatchObject({ previous_owner_app_id: PAGE_INBOX_APP_ID, new_owner_app_id: 'sales', metadata: 'order found, back to you' });
    await page.waitForFunction(() => document.querySelector('#timeline')?.textContent?.includes('Page Inbox passed the thread to sales'), undefined, { timeout: 20_000 });
    await screenshot(page, 'thread');
    await context.close();
  });

  it.skipIf(chromiumMissing)('resubscribes an unsubscribed bot from the Page card', { timeout: 60_000 }, async () => {
    await suite.registerPage({ name: 'Console Test Shoes', defaultOwnerAppId: 'sales', apps: [{ appId: 'sales' }, { appId: 'support', canTake: true, subscribed: false }] });
    const context = await browser!.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${suite.consoleUrl}/login`);
    await page.fill('#password', CONSOLE_PASSWORD);
    await Promise.all([page.waitForURL(`${suite.consoleUrl}/`), page.click('button[type=submit]')]);
    const support = `#page-${PAGE_ID} tr[data-app-id=support]`;
    expect(await page.textContent(support)).toContain('unsubscribed');
    await page.click(`${support} button[data-resubscribe]`);
    await page.waitForFunction((sel) => /\bsubscribed\b/.test(document.querySelector(sel)?.textContent ?? '') && !document.querySelector(sel)?.textContent?.includes('unsubscribed'), support, { timeout: 20_000 });
    const after = await suite.admin('GET', `/pages/${PAGE_ID}`);
    expect(after.body.apps.find((a: { app_id: string }) => a.app_id === 'support').subscribed).toBe(true);
    await context.close();
  });
});
