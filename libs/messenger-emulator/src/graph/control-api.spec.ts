import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGraphEmulator, type GraphEmulator } from '../index.js';
import { graphError, httpCall } from '../testing/http-helpers.js';

const PAGE_A = '6006';
const PAGE_B = '7007';

describe('Graph emulator: control HTTP API', () => {
  let graph: GraphEmulator;
  const control = (method: string, path: string, json?: unknown, query?: Record<string, string>) =>
    httpCall(graph.url, method, `/_emulator${path}`, { json, query });
  const sendTo = (pageId: string) =>
    httpCall(graph.url, 'POST', `/v21.0/${pageId}/messages`, { query: { access_token: 't' }, json: { recipient: { id: '1' }, message: { text: 'x' } } });

  beforeAll(async () => {
    graph = await createGraphEmulator();
  });
  afterAll(() => graph.close());
  beforeEach(() => graph.reset());

  it('reports health', async () => {
    await sendTo(PAGE_A);
    expect(await control('GET', '/health')).toEqual({ status: 200, body: { status: 'ok', calls: 1, pendingFaults: 0, latencyMs: 0 } });
  });

  it('lists calls filtered by edge and Page, and clears them', async () => {
    await sendTo(PAGE_A);
    await sendTo(PAGE_B);
    await httpCall(graph.url, 'POST', `/v21.0/${PAGE_B}/take_thread_control`, { query: { access_token: 't' }, json: { recipient: { id: '1' } } });
    const listed = await control('GET', '/calls', undefined, { edge: 'messages', pageId: PAGE_B });
    expect((listed.body.calls as Array<{ pageId: string; edge: string }>).map((call) => [call.pageId, call.edge])).toEqual([[PAGE_B, 'messages']]);
    expect(((await control('GET', '/calls')).body.calls as unknown[]).length).toBe(3);
    expect((await control('DELETE', '/calls')).status).toBe(204);
    expect(graph.calls()).toEqual([]);
  });

  it('injects faults, validates them, and clears them', async () => {
    const added = await control('POST', '/faults', { match: { pageId: PAGE_A }, error: { code: 1200 }, times: 2 });
    expect(added).toEqual({ status: 201, body: { pending: 1 } });
    expect(graphError(await sendTo(PAGE_A)).code).toBe(1200);
    expect((await sendTo(PAGE_B)).status).toBe(200);

    expect((await control('POST', '/faults', { error: { message: 'no code' } })).status).toBe(400);
    expect((await control('DELETE', '/faults')).status).toBe(204);
    expect((await sendTo(PAGE_A)).status).toBe(200);
  });

  it('sets latency, registers OTN tokens, sets and lists thread owners, and resets', async () => {
    expect((await control('PUT', '/latency', { ms: 5 })).body).toEqual({ latencyMs: 5 });
    expect((await control('POST', '/otn-tokens', { token: 'otn-x', pageId: PAGE_A, psid: '77' })).status).toBe(201);
    const otnSend = await httpCall(graph.url, 'POST', `/v21.0/${PAGE_A}/messages`, {
      query: { access_token: 't' },
      json: { recipient: { one_time_notif_token: 'otn-x' }, message: { text: 'x' } },
    });
    expect(otnSend.body.recipient_id).toBe('77');

    expect((await control('PUT', `/threads/${PAGE_A}/77/owner`, { appId: '999' })).body).toMatchObject({ owner: { appId: '999' } });
    expect((await control('GET', '/threads')).body.threads).toEqual([{ pageId: PAGE_A, psid: '77', appId: '999', expiration: expect.any(Number) }]);

    expect((await control('POST', '/reset')).status).toBe(204);
    expect(graph.threadOwner(PAGE_A, '77')).toBeUndefined();
    expect((await control('GET', '/health')).body).toMatchObject({ calls: 0, latencyMs: 0 });
  });

  it('answers unknown control routes with 404 and does not record them as Graph calls', async () => {
    expect((await control('GET', '/nope')).status).toBe(404);
    expect(graph.calls()).toEqual([]);
  });
});
