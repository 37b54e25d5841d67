import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGraphEmulator, type GraphEmulator } from '../index.js';
import { httpCall, type HttpAnswer, type Json } from '../testing/http-helpers.js';

const SECRET = 'ingress-app-secret';
const PAGE = '4242';
const PSID = '7003';
const NOW = 1_700_000_000_456;

interface StandInIngress {
  url: string;
  /** Bodies whose signature checked out, parsed. */
  accepted: Json[];
  /** Requests refused for their signature. */
  refused: number;
  close(): Promise<void>;
}

/**
 * Stands in for the ingress: HMAC-SHA256 of the exact bytes received, keyed with its own secret,
 * compared in constant time (as apps/ingress does; its verifier is not importable without the
 * platform lib, so this recomputes it independently of the emulator's signer).
 */
async function startStandInIngress(secret: string): Promise<StandInIngress> {
  const ingress = { accepted: [] as Json[], refused: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
      const given = Buffer.from(String(request.headers['x-hub-signature-256'] ?? ''));
      const valid = request.url === '/webhook' && given.length === expected.length && timingSafeEqual(given, expected);
      if (valid) ingress.accepted.push(JSON.parse(raw.toString('utf8')) as Json);
      else ingress.refused += 1;
      response.writeHead(valid ? 200 : 401, { 'content-type': 'text/plain' }).end(valid ? 'EVENT_RECEIVED' : 'invalid signature');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    get accepted() {
      return ingress.accepted;
    },
    get refused() {
      return ingress.refused;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const userSends = (graph: GraphEmulator, body: unknown, psid = PSID): Promise<HttpAnswer> =>
  httpCall(graph.url, 'POST', `/_emulator/users/${psid}/messages`, { json: body });

const errorOf = (answer: HttpAnswer) => answer.body.error as { code: string; message: string } & Json;

describe('Graph emulator: POST /_emulator/users/:psid/messages', () => {
  let ingress: StandInIngress;
  let graph: GraphEmulator;
  const lastEvent = () => ((ingress.accepted.at(-1)?.entry as Json[] | undefined)?.[0]?.messaging as Json[] | undefined)?.[0];

  beforeAll(async () => {
    ingress = await startStandInIngress(SECRET);
    graph = await createGraphEmulator({ appSecret: SECRET, webhookUrl: ingress.url, now: () => NOW });
  });
  afterAll(async () => {
    await graph.close();
    await ingress.close();
  });
  beforeEach(() => {
    ingress.accepted.length = 0;
  });

  it('posts a text in Meta shape, signed so the ingress accepts it, and answers its status and the mid', async () => {
    const answer = await userSends(graph, { pageId: PAGE, text: 'Hi! äö / 😀' });
    expect(answer).toEqual({ status: 200, body: { mid: expect.stringMatching(/^m_/), ingressStatus: 200, ingressBody: 'EVENT_RECEIVED' } });
    expect(ingress.accepted).toEqual([
      {
        object: 'page',
        entry: [
          {
            id: PAGE,
            time: NOW,
            messaging: [{ sender: { id: PSID }, recipient: { id: PAGE }, timestamp: NOW, message: { mid: answer.body.mid, text: 'Hi! äö / 😀' } }],
          },
        ],
      },
    ]);
    // A control route, not a Graph call: nothing is recorded.
    expect(graph.calls()).toEqual([]);
  });

  it('taps a quick reply and a postback button', async () => {
    const quick = await userSends(graph, { pageId: PAGE, text: 'Yes', quickReply: { payload: 'YES_PAYLOAD' } });
    expect(lastEvent()).toMatchObject({ message: { mid: quick.body.mid, text: 'Yes', quick_reply: { payload: 'YES_PAYLOAD' } } });
    const postback = await userSends(graph, { pageId: PAGE, postback: { title: 'Get Started', payload: 'START' } });
    expect(postback.status).toBe(200);
    expect(lastEvent()).toMatchObject({ sender: { id: PSID }, postback: { mid: postback.body.mid, title: 'Get Started', payload: 'START' } });
  });

  it.each([
    ['no body', undefined, /pageId/],
    ['a Page id that is not numeric', { pageId: 'shop', text: 'x' }, /pageId/],
    ['neither text nor postback', { pageId: PAGE }, /exactly one of text and postback/],
    ['both text and postback', { pageId: PAGE, text: 'x', postback: { title: 't', payload: 'p' } }, /exactly one of text and postback/],
    ['a quick reply without text', { pageId: PAGE, postback: { title: 't', payload: 'p' }, quickReply: { payload: 'q' } }, /quickReply/],
    ['empty text', { pageId: PAGE, text: '' }, /text/],
    ['an unknown field', { pageId: PAGE, text: 'x', attachments: [] }, /attachments/],
  ])('answers 400 INVALID_REQUEST for %s, and posts nothing', async (_case, body, message) => {
    const answer = await userSends(graph, body);
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toEqual({ code: 'INVALID_REQUEST', message: expect.stringMatching(message) });
    expect(ingress.accepted).toEqual([]);
  });

  it('answers 400 INVALID_REQUEST for a body that is not JSON', async () => {
    const answer = await fetch(`${graph.url}/_emulator/users/${PSID}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"pageId":' });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
  });

  it('answers 400 for a PSID that is not numeric', async () => {
    const answer = await userSends(graph, { pageId: PAGE, text: 'x' }, 'alice');
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/psid/) });
  });

  it('passes on a refusal of the ingress (here: signed with another secret) as 502 INGRESS_REFUSED', async () => {
    const wrongSecret = await createGraphEmulator({ appSecret: 'not-the-ingress-secret', webhookUrl: ingress.url });
    try {
      const refusedBefore = ingress.refused;
      const answer = await userSends(wrongSecret, { pageId: PAGE, text: 'x' });
      expect(answer.status).toBe(502);
      expect(errorOf(answer)).toEqual({
        code: 'INGRESS_REFUSED',
        message: 'the ingress answered HTTP 401',
        mid: expect.stringMatching(/^m_/),
        ingressStatus: 401,
        ingressBody: 'invalid signature',
      });
      expect(ingress.refused).toBe(refusedBefore + 1);
    } finally {
      await wrongSecret.close();
    }
  });

  it('answers 503 WEBHOOK_NOT_CONFIGURED naming the variable that is missing', async () => {
    const noUrl = await createGraphEmulator({ appSecret: SECRET });
    const noSecret = await createGraphEmulator({ webhookUrl: ingress.url });
    try {
      const withoutUrl = await userSends(noUrl, { pageId: PAGE, text: 'x' });
      expect(withoutUrl.status).toBe(503);
      expect(errorOf(withoutUrl)).toEqual({ code: 'WEBHOOK_NOT_CONFIGURED', message: expect.stringContaining('EMULATOR_WEBHOOK_URL') });
      const withoutSecret = await userSends(noSecret, { pageId: PAGE, text: 'x' });
      expect(withoutSecret.status).toBe(503);
      expect(errorOf(withoutSecret)).toEqual({ code: 'WEBHOOK_NOT_CONFIGURED', message: expect.stringContaining('META_APP_SECRET') });
      expect(ingress.accepted).toEqual([]);
    } finally {
      await noUrl.close();
      await noSecret.close();
    }
  });

  it('answers 502 INGRESS_UNREACHABLE when nothing listens at the webhook URL', async () => {
    const webhookUrl = `http://127.0.0.1:${await closedPort()}/webhook`;
    const nowhere = await createGraphEmulator({ appSecret: SECRET, webhookUrl });
    try {
      const answer = await userSends(nowhere, { pageId: PAGE, text: 'x' });
      expect(answer.status).toBe(502);
      expect(errorOf(answer)).toEqual({ code: 'INGRESS_UNREACHABLE', message: expect.stringContaining(`POST ${webhookUrl} failed: `) });
    } finally {
      await nowhere.close();
    }
  });

  it('refuses a webhook URL that is not absolute http(s) at creation', async () => {
    await expect(createGraphEmulator({ webhookUrl: '127.0.0.1:3000/webhook' })).rejects.toThrow(/webhookUrl/);
  });
});
