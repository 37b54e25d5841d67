import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGraphEmulator, type GraphEmulator } from '../index.js';
import { graphError, httpCall } from '../testing/http-helpers.js';

const PAGE = '5005';
const TOKEN = 'tok';

describe('Graph emulator: error injection, latency and waitForCall', () => {
  let graph: GraphEmulator;
  const send = (path = '/v21.0/me/messages') =>
    httpCall(graph.url, 'POST', path, { query: { access_token: TOKEN }, json: { recipient: { id: '1' }, message: { text: 'x' } } });
  const take = () => httpCall(graph.url, 'POST', '/v21.0/me/take_thread_control', { query: { access_token: TOKEN }, json: { recipient: { id: '1' } } });

  beforeAll(async () => {
    graph = await createGraphEmulator({ tokens: { [TOKEN]: PAGE } });
  });
  afterAll(() => graph.close());
  beforeEach(() => graph.reset());

  it('fails the next matching call once with Meta envelope, then answers normally', async () => {
    graph.failNext({ edge: 'messages' }, { code: 613, error_subcode: 2534040 });
    const failed = await send();
    expect(failed.status).toBe(400);
    expect(failed.body).toEqual({
      error: {
        message: '(#613) Calls to this api have exceeded the rate limit.',
        type: 'OAuthException',
        code: 613,
        error_subcode: 2534040,
        is_transient: false,
        fbtrace_id: expect.any(String),
      },
    });
    expect((await send()).status).toBe(200);
    expect(graph.calls().map((call) => call.injected)).toEqual([true, false]);
  });

  it('fails exactly `times` calls', async () => {
    graph.failNext({}, { code: 1200 }, 2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send()).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('only fails calls that match every given field', async () => {
    graph.failNext({ method: 'POST', edge: 'messages', pageId: PAGE, pathIncludes: '/me/' }, { code: 2 });
    expect((await take()).status).toBe(200);
    expect((await send(`/v21.0/${PAGE}/messages`)).status).toBe(200);
    expect(graphError(await send()).code).toBe(2);
  });

  it('defaults: 500 and is_transient for transient codes, 400 otherwise, explicit values win', async () => {
    graph.failNext({}, { code: 2 });
    graph.failNext({}, { code: 10, error_subcode: 2018300 });
    graph.failNext({}, { code: 100, status: 403, is_transient: true, message: 'custom', type: 'GraphMethodException' });
    const transient = await send();
    const permanent = await send();
    const explicit = await send();
    expect([transient.status, graphError(transient).is_transient]).toEqual([500, true]);
    expect([permanent.status, graphError(permanent).is_transient]).toEqual([400, false]);
    expect(graphError(permanent).message).toMatch(/another app is controlling this thread/);
    expect(explicit.status).toBe(403);
    expect(graphError(explicit)).toMatchObject({ code: 100, is_transient: true, message: 'custom', type: 'GraphMethodException' });
  });

  it('injects before authentication, so even an unauthenticated call gets the injected error', async () => {
    graph.failNext({ edge: 'messages' }, { code: 4 });
    const answer = await httpCall(graph.url, 'POST', '/v21.0/me/messages', { json: {} });
    expect(graphError(answer).code).toBe(4);
  });

  it('refuses nonsense `times`', () => {
    expect(() => graph.failNext({}, { code: 2 }, 0)).toThrow(RangeError);
    expect(() => graph.failNext({}, { code: 2 }, 1.5)).toThrow(RangeError);
  });

  it('slows answers by the configured latency, so client timeouts can be tested', async () => {
    graph.setLatency(300);
    const started = performance.now();
    expect((await send()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await expect(
      httpCall(graph.url, 'POST', '/v21.0/me/messages', { query: { access_token: TOKEN }, json: {}, signal: AbortSignal.timeout(50) }),
    ).rejects.toThrow();
    // The abandoned call is still answered (and recorded) once the delay ends; wait so it cannot
    // land in the next test.
    await graph.waitForCall({ status: 400 }, 2_000);
    graph.setLatency(0);
  });

  it('waitForCall resolves with a call that arrives later', async () => {
    const waiting = graph.waitForCall({ edge: 'take_thread_control' }, 2_000);
    await send();
    await take();
    const call = await waiting;
    expect(call.edge).toBe('take_thread_control');
    expect(call.response.body).toEqual({ success: true });
  });

  it('waitForCall resolves at once with an already recorded call and accepts predicates', async () => {
    await send();
    const call = await graph.waitForCall((candidate) => candidate.response.status === 200, 10);
    expect(call.seq).toBe(1);
  });

  it('waitForCall rejects on timeout', async () => {
    await expect(graph.waitForCall({ edge: 'pass_thread_control' }, 50)).rejects.toThrow(/no matching Graph call within 50 ms/);
  });

  it('close rejects pending waits instead of leaving them hanging', async () => {
    const own = await createGraphEmulator();
    const waiting = own.waitForCall({ edge: 'messages' }, 10_000);
    await own.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});
