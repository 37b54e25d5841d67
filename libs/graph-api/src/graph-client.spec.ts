import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { createGraphEmulator, type GraphEmulator, type GraphErrorSpec } from '@app/messenger-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphApiError, PageThrottledError } from './graph-api.error.js';
import { GraphClient, type GraphClientConfig } from './graph-client.js';
import { appSecretProof } from './graph-request.js';

const SECRET = 'graph-client-spec-secret';
const PAGE = '4004';
const TOKEN = 'page-token-4004';
const TEXT = { recipient: { id: '77' }, messaging_type: 'RESPONSE', message: { text: 'hello' } };

describe('GraphClient against the Graph emulator', () => {
  let graph: GraphEmulator;
  let sleeps: number[];
  const client = (config: Partial<GraphClientConfig> = {}) =>
    new GraphClient({
      baseUrl: graph.url,
      version: 'v23.0',
      appSecret: SECRET,
      baseDelayMs: 100,
      sleep: async (ms) => void sleeps.push(ms),
      ...config,
    });
  const send = (sut = client()) => sut.sendMessage(PAGE, TOKEN, TEXT);

  beforeAll(async () => {
    graph = await createGraphEmulator({ appSecret: SECRET });
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.reset();
    sleeps = [];
  });

  it('reads the thread owner (GET thread_owner), null while the thread is idle', async () => {
    expect(await client().threadOwner(PAGE, TOKEN, '77')).toBeNull();
    graph.setThreadOwner(PAGE, '77', '263902037430900');
    expect(await client().threadOwner(PAGE, TOKEN, '77')).toBe('263902037430900');
    expect(graph.calls().map((c) => [c.method, c.edge, c.query.recipient])).toEqual([
      ['GET', 'thread_owner', '77'],
      ['GET', 'thread_owner', '77'],
    ]);
  });

  it('sends with access_token and a correct appsecret_proof', async () => {
    await expect(send()).resolves.toMatchObject({ recipient_id: '77', message_id: expect.stringMatching(/^m_/) });
    const [call] = graph.calls();
    expect(call?.path).toBe(`/v23.0/${PAGE}/messages`);
    expect(call?.query).toMatchObject({ access_token: TOKEN, appsecret_proof: appSecretProof(TOKEN, SECRET) });
  });

  it('turns Meta’s envelope into a typed error with code, error_subcode, is_transient and fbtrace_id', async () => {
    graph.failNext({ edge: 'messages' }, { code: 10, error_subcode: 2018278 });
    const error = (await send().catch((e: unknown) => e)) as GraphApiError;
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ status: 400, code: 10, subcode: 2018278, isTransient: false, fbtraceId: expect.any(String) });
    expect(error.details).toMatchObject({ code: 10, error_subcode: 2018278, is_transient: false, status: 400 });
    expect(JSON.stringify(error.details)).not.toContain(TOKEN);
  });

  const retried: Array<[string, GraphErrorSpec]> = [
    ['1200 temporary send failure', { code: 1200 }],
    ['2 unexpected error', { code: 2 }],
    ['4 app rate limit', { code: 4 }],
    ['613 Send API rate limit', { code: 613 }],
    ['613/2534040 rate limit', { code: 613, error_subcode: 2534040 }],
    ['is_transient: true', { code: 9000, is_transient: true }],
    ['HTTP 503', { code: 1, status: 503, is_transient: false }],
  ];
  it.each(retried)('retries %s, then succeeds', async (_name, spec) => {
    graph.failNext({ edge: 'messages' }, spec);
    await expect(send()).resolves.toMatchObject({ message_id: expect.any(String) });
    expect(graph.calls({ edge: 'messages' }).map((c) => c.injected)).toEqual([true, false]);
    expect(sleeps).toHaveLength(1);
  });

  const notRetried: Array<[string, GraphErrorSpec]> = [
    ['10/2018278 outside the window', { code: 10, error_subcode: 2018278 }],
    ['10/2018300 another app controls the thread', { code: 10, error_subcode: 2018300 }],
    ['551 person unavailable', { code: 551 }],
    ['1545041 (as a code)', { code: 1545041 }],
    ['200/1545041', { code: 200, error_subcode: 1545041 }],
    ['100/2018001 no matching user', { code: 100, error_subcode: 2018001 }],
    ['190 bad token', { code: 190 }],
    ['613/2018338 tag abuse, even flagged transient', { code: 613, error_subcode: 2018338, is_transient: true }],
    ['613/1893016 duplicate opt-in', { code: 613, error_subcode: 1893016 }],
    ['190 with HTTP 500', { code: 190, status: 500 }],
  ];
  it.each(notRetried)('does not retry %s', async (_name, spec) => {
    graph.failNext({ edge: 'messages' }, spec);
    const error = await send().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: spec.code, subcode: spec.error_subcode });
    expect(graph.calls({ edge: 'messages' })).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up after maxAttempts, backing off exponentially', async () => {
    graph.failNext({ edge: 'messages' }, { code: 2 }, 5);
    const error = await send(client({ maxAttempts: 4, random: () => 1 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 2 });
    expect(graph.calls({ edge: 'messages' })).toHaveLength(4);
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('retries network failures (status 0) and reports them typed', async () => {
    const port = await freePort();
    const sut = new GraphClient({ baseUrl: `http://127.0.0.1:${port}`, version: 'v23.0', appSecret: SECRET, maxAttempts: 3, sleep: async (ms) => void sleeps.push(ms) });
    const error = await sut.sendMessage(PAGE, TOKEN, TEXT).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, isTransient: true, ambiguous: false }); // refused: nothing was sent, so a retry is safe
    expect(sleeps).toHaveLength(2);
  });

  it('does not resend a message after a timeout (it may have been delivered), but retries a read', async () => {
    graph.setLatency(400);
    const sut = client({ maxAttempts: 3, timeoutMs: 150 });
    const error = (await send(sut).catch((e: unknown) => e)) as GraphApiError;
    expect(error).toMatchObject({ status: 0, ambiguous: true });
    expect(error.details).toMatchObject({ status: 0, ambiguous: true });
    expect(sleeps).toEqual([]);
    await expect(sut.threadOwner(PAGE, TOKEN, '77')).rejects.toMatchObject({ status: 0, ambiguous: false }); // a read changes nothing
    expect(sleeps).toHaveLength(2); // the GET was tried three times
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the emulator finish what it was still answering
    expect(graph.calls({ edge: 'messages' })).toHaveLength(1);
  });

  it('treats a gateway 5xx without a Graph error body like a timeout for a message, not for a read', async () => {
    let hits = 0;
    const gateway = createHttpServer((_req, res) => {
      hits += 1;
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = gateway.address() as { port: number };
      const sut = new GraphClient({ baseUrl: `http://127.0.0.1:${port}`, version: 'v23.0', appSecret: SECRET, maxAttempts: 3, sleep: async (ms) => void sleeps.push(ms) });
      await expect(sut.sendMessage(PAGE, TOKEN, TEXT)).rejects.toMatchObject({ status: 502, ambiguous: true });
      expect(hits).toBe(1);
      await expect(sut.threadOwner(PAGE, TOKEN, '77')).rejects.toMatchObject({ status: 502, ambiguous: false });
      expect(hits).toBe(4);
    } finally {
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
    }
  });

  it('GETs with query parameters and POSTs forms, each with its appsecret_proof', async () => {
    const sut = client();
    await expect(sut.get(`${PAGE}/thread_owner`, TOKEN, { recipient: '77' })).resolves.toEqual({ data: [] });
    await expect(sut.postForm(`${PAGE}/subscribed_apps`, TOKEN, { subscribed_fields: ['messages', 'standby'] }, PAGE)).resolves.toEqual({ success: true });
    const [get, form] = graph.calls();
    expect(get).toMatchObject({ method: 'GET', query: { recipient: '77', access_token: TOKEN, appsecret_proof: appSecretProof(TOKEN, SECRET) } });
    expect(form).toMatchObject({ method: 'POST', body: { subscribed_fields: 'messages,standby' }, query: { appsecret_proof: appSecretProof(TOKEN, SECRET) } });
    expect(graph.subscriptions(PAGE)).toEqual([{ pageId: PAGE, appId: expect.any(String), fields: ['messages', 'standby'] }]);
  });

  it('pauses a Page’s sends when Meta reports 100 % usage, without slowing other Pages', async () => {
    let now = 1_000_000;
    const sut = client({ now: () => now, usagePauseMs: 30_000, sleep: async (ms) => void ((now += ms), sleeps.push(ms)) });
    graph.setBusinessUsage(PAGE, { call_count: 100, total_time: 20, total_cputime: 20 });
    await send(sut);
    expect(sut.limiter.pausedUntil(PAGE)).toBe(1_000_000 + 30_000);
    graph.setBusinessUsage(PAGE, null);
    await sut.sendMessage('5005', TOKEN, TEXT);
    expect(sleeps).toEqual([]);
    await send(sut);
    expect(sleeps).toEqual([30_000]);
    expect(graph.calls({ edge: 'messages' })).toHaveLength(3);
  });

  it('honours estimated_time_to_regain_access, also on a 613, and fails fast beyond maxWaitMs without calling Graph', async () => {
    const now = 5_000_000;
    const sut = client({ now: () => now, rateLimits: { maxWaitMs: 60_000 } });
    graph.setBusinessUsage(PAGE, { call_count: 80, total_time: 10, total_cputime: 10, estimated_time_to_regain_access: 5 });
    graph.failNext({ edge: 'messages' }, { code: 613, error_subcode: 2534040 });
    const error = await send(sut).catch((e: unknown) => e);
    // The retry of the 613 would have to wait 5 minutes: refused at once instead.
    expect(error).toBeInstanceOf(PageThrottledError);
    expect(error).toMatchObject({ pageId: PAGE, retryAt: now + 5 * 60_000 });
    expect(graph.calls({ edge: 'messages' })).toHaveLength(1);
    await expect(send(sut)).rejects.toBeInstanceOf(PageThrottledError);
    expect(graph.calls({ edge: 'messages' })).toHaveLength(1);
  });

  it('paces a burst in real time: 20 sends at 10/s reach Meta over at least a second', async () => {
    const sut = new GraphClient({ baseUrl: graph.url, version: 'v23.0', appSecret: SECRET, rateLimits: { textPerSecond: 10 } });
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, () => sut.sendMessage(PAGE, TOKEN, TEXT)));
    expect(results).toHaveLength(20);
    // The first 10 (one second's burst) leave at once, then one every 100 ms: the last cannot leave
    // before ~1 s after the start. Measured from the start, not from the first arrival, which a
    // busy machine can delay. Without pacing all 20 arrive within a few tens of milliseconds.
    const arrivals = graph.calls({ edge: 'messages' }).map((c) => c.time).sort((a, b) => a - b);
    expect(arrivals.at(-1)! - started).toBeGreaterThanOrEqual(900);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
