import { afterEach, describe, expect, it } from 'vitest';
import { createGraphEmulator, DEFAULT_EMULATED_APP_ID, THREAD_CONTROL_TTL_SECONDS, type GraphEmulator, type GraphEmulatorOptions } from '../index.js';
import { graphError, httpCall } from '../testing/http-helpers.js';

const PAGE = '4004';
const PSID = '8008';
const INBOX = '263902037430900';

describe('Graph emulator: thread control', () => {
  let graph: GraphEmulator;
  let clock = 1_750_000_000_000;
  const start = async (options: GraphEmulatorOptions = {}) => {
    graph = await createGraphEmulator({ tokens: { tok: PAGE }, now: () => clock, ...options });
  };
  afterEach(() => graph.close());

  const control = (edge: string, body: Record<string, unknown>) =>
    httpCall(graph.url, 'POST', `/v21.0/me/${edge}`, { query: { access_token: 'tok' }, json: body });
  const owner = async () => (await httpCall(graph.url, 'GET', '/v21.0/me/thread_owner', { query: { access_token: 'tok', recipient: PSID } })).body;
  const send = (body: Record<string, unknown> = {}) =>
    httpCall(graph.url, 'POST', '/v21.0/me/messages', { query: { access_token: 'tok' }, json: { recipient: { id: PSID }, message: { text: 'x' }, ...body } });

  it('reports an idle thread as empty data', async () => {
    await start();
    expect(await owner()).toEqual({ data: [] });
  });

  it('follows pass, request, take and release', async () => {
    await start();
    const expiration = Math.floor(clock / 1000) + THREAD_CONTROL_TTL_SECONDS;

    expect((await control('pass_thread_control', { recipient: { id: PSID }, target_app_id: Number(INBOX), metadata: 'to humans' })).body).toEqual({ success: true });
    expect(await owner()).toEqual({ data: [{ thread_owner: { app_id: INBOX, expiration } }] });

    await control('request_thread_control', { recipient: { id: PSID } });
    expect(await owner()).toEqual({ data: [{ thread_owner: { app_id: INBOX, expiration } }] });

    await control('take_thread_control', { recipient: { id: PSID } });
    expect(await owner()).toEqual({ data: [{ thread_owner: { app_id: DEFAULT_EMULATED_APP_ID, expiration } }] });

    await control('release_thread_control', { recipient: { id: PSID } });
    expect(await owner()).toEqual({ data: [] });
  });

  it('takes control as the app of the token', async () => {
    await start({ tokens: { tok: { pageId: PAGE, appId: '4242' } } });
    await control('take_thread_control', { recipient: { id: PSID } });
    expect(graph.threadOwner(PAGE, PSID)?.appId).toBe('4242');
  });

  it('lets control expire after 24 hours', async () => {
    await start();
    await control('take_thread_control', { recipient: { id: PSID } });
    clock += THREAD_CONTROL_TTL_SECONDS * 1000;
    expect(await owner()).toEqual({ data: [] });
  });

  it('accepts form-encoded pass with a JSON recipient', async () => {
    await start();
    const form = { access_token: 'tok', recipient: JSON.stringify({ id: PSID }), target_app_id: '123' };
    expect((await httpCall(graph.url, 'POST', '/v21.0/me/pass_thread_control', { form })).status).toBe(200);
    expect(graph.threadOwner(PAGE, PSID)?.appId).toBe('123');
  });

  it('refuses a missing recipient or target app with code 100', async () => {
    await start();
    expect(graphError(await control('take_thread_control', {})).code).toBe(100);
    expect(graphError(await control('pass_thread_control', { recipient: { id: PSID } })).message).toMatch(/target_app_id/);
    const noRecipient = await httpCall(graph.url, 'GET', '/v21.0/me/thread_owner', { query: { access_token: 'tok' } });
    expect(graphError(noRecipient).code).toBe(100);
  });

  it('applies thread_control carried by a Send API call', async () => {
    await start();
    await send({ thread_control: { control_type: 'pass', app_id: INBOX } });
    expect(graph.threadOwner(PAGE, PSID)?.appId).toBe(INBOX);
    await send({ thread_control: { control_type: 'release' } });
    expect(graph.threadOwner(PAGE, PSID)).toBeUndefined();
  });

  it('does not enforce ownership by default', async () => {
    await start();
    graph.setThreadOwner(PAGE, PSID, INBOX);
    expect((await send()).status).toBe(200);
  });

  it('enforces ownership when asked, like Meta', async () => {
    await start({ enforceThreadOwnership: true });
    graph.setThreadOwner(PAGE, PSID, INBOX);
    expect(graphError(await send())).toMatchObject({ code: 10, error_subcode: 2018300 });
    expect(graphError(await control('pass_thread_control', { recipient: { id: PSID }, target_app_id: '5' }))).toMatchObject({ code: 100, error_subcode: 2534037 });
    expect(graphError(await control('release_thread_control', { recipient: { id: PSID } }))).toMatchObject({ code: 100, error_subcode: 2534037 });
    await control('take_thread_control', { recipient: { id: PSID } });
    expect((await send()).status).toBe(200);
  });
});
