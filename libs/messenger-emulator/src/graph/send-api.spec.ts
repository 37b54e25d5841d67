import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGraphEmulator, type GraphEmulator } from '../index.js';
import { graphError, httpCall } from '../testing/http-helpers.js';

const PAGE = '111000111';
const TOKEN = 'page-token-1';
const FIXED_NOW = 1_760_000_000_000;

describe('Graph emulator: Send API', () => {
  let graph: GraphEmulator;
  const send = (body: unknown, path = '/v21.0/me/messages') => httpCall(graph.url, 'POST', path, { query: { access_token: TOKEN }, json: body });

  beforeAll(async () => {
    graph = await createGraphEmulator({ tokens: { [TOKEN]: PAGE }, now: () => FIXED_NOW });
  });
  afterAll(() => graph.close());
  beforeEach(() => graph.reset());

  it('answers a text send with Meta success shape and a fresh message id each time', async () => {
    const first = await send({ recipient: { id: '42' }, messaging_type: 'RESPONSE', message: { text: 'hi' } });
    const second = await send({ recipient: { id: '42' }, message: { text: 'again' } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ recipient_id: '42', message_id: expect.stringMatching(/^m_[A-Za-z0-9_-]+$/) });
    expect(second.body.message_id).not.toBe(first.body.message_id);
  });

  it('records the call with method, path, query, body, resolved page, edge, time and response', async () => {
    const body = { recipient: { id: '42' }, message: { text: 'hello' } };
    const answer = await send(body);
    const [call] = graph.calls();
    expect(graph.calls()).toHaveLength(1);
    expect(call).toMatchObject({
      seq: 1,
      method: 'POST',
      path: '/v21.0/me/messages',
      query: { access_token: TOKEN },
      body,
      version: 'v21.0',
      pageId: PAGE,
      edge: 'messages',
      time: FIXED_NOW,
      response: { status: 200, body: answer.body },
      injected: false,
    });
  });

  it('accepts an explicit Page id path and an unversioned path', async () => {
    expect((await send({ recipient: { id: '7' }, message: { text: 'x' } }, `/v19.0/${PAGE}/messages`)).status).toBe(200);
    expect((await send({ recipient: { id: '7' }, message: { text: 'x' } }, '/me/messages')).status).toBe(200);
    expect(graph.calls().map((call) => [call.pageId, call.version])).toEqual([[PAGE, 'v19.0'], [PAGE, null]]);
  });

  it('accepts form-encoded sends with JSON-valued fields and records the form fields', async () => {
    const form = { access_token: TOKEN, recipient: '{"id":"55"}', message: '{"text":"form"}' };
    const answer = await httpCall(graph.url, 'POST', '/v21.0/me/messages', { form });
    expect(answer.status).toBe(200);
    expect(answer.body.recipient_id).toBe('55');
    expect(graph.calls()[0]?.body).toEqual(form);
  });

  it('omits recipient_id for user_ref recipients and message_id for sender actions', async () => {
    const byUserRef = await send({ recipient: { user_ref: 'ref-1' }, message: { text: 'hi' } });
    const typing = await send({ recipient: { id: '42' }, sender_action: 'typing_on' });
    expect(byUserRef.body).toEqual({ message_id: expect.stringMatching(/^m_/) });
    expect(typing.body).toEqual({ recipient_id: '42' });
  });

  it('accepts exactly 2000 characters of text', async () => {
    expect((await send({ recipient: { id: '42' }, message: { text: 'a'.repeat(2000) } })).status).toBe(200);
  });

  const fourteenQuickReplies = Array.from({ length: 14 }, () => ({ content_type: 'text', title: 't', payload: 'p' }));
  const invalidBodies: Array<[string, unknown, RegExp]> = [
    ['missing recipient', { message: { text: 'x' } }, /recipient is required/],
    ['recipient without an address', { recipient: { phone: '+1' }, message: { text: 'x' } }, /recipient must have one of/],
    ['no message nor sender_action', { recipient: { id: '1' } }, /either message or sender_action/],
    ['both message and sender_action', { recipient: { id: '1' }, message: { text: 'x' }, sender_action: 'typing_on' }, /Only one of/],
    ['unknown sender_action', { recipient: { id: '1' }, sender_action: 'dance' }, /sender_action must be one of/],
    ['empty message', { recipient: { id: '1' }, message: {} }, /text, attachment or attachments/],
    ['text over 2000 characters', { recipient: { id: '1' }, message: { text: 'a'.repeat(2001) } }, /less than or equal to 2000/],
    ['unknown messaging_type', { recipient: { id: '1' }, messaging_type: 'PROMO', message: { text: 'x' } }, /messaging_type must be one of/],
    ['MESSAGE_TAG without tag', { recipient: { id: '1' }, messaging_type: 'MESSAGE_TAG', message: { text: 'x' } }, /tag is required/],
    ['tag without MESSAGE_TAG', { recipient: { id: '1' }, messaging_type: 'RESPONSE', tag: 'HUMAN_AGENT', message: { text: 'x' } }, /only allowed with/],
    ['retired tag', { recipient: { id: '1' }, messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE', message: { text: 'x' } }, /tag must be one of/],
    ['14 quick replies', { recipient: { id: '1' }, message: { text: 'x', quick_replies: fourteenQuickReplies } }, /quick_replies/],
  ];

  it.each(invalidBodies)('refuses %s with code 100, HTTP 400', async (_name, body, message) => {
    const answer = await send(body);
    expect(answer.status).toBe(400);
    expect(graphError(answer)).toMatchObject({ code: 100, type: 'OAuthException', is_transient: false, fbtrace_id: expect.any(String) });
    expect(graphError(answer).message).toMatch(message);
    expect(graph.calls()[0]?.response.status).toBe(400);
  });

  it('accepts MESSAGE_TAG with HUMAN_AGENT', async () => {
    const answer = await send({ recipient: { id: '1' }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'x' } });
    expect(answer.status).toBe(200);
  });

  it('answers unknown edges with 100/33 and unknown paths with 2500', async () => {
    const unknownEdge = await httpCall(graph.url, 'POST', `/v21.0/${PAGE}/photos`, { query: { access_token: TOKEN } });
    const unknownPath = await httpCall(graph.url, 'GET', '/v21.0/a/b/c', { query: { access_token: TOKEN } });
    expect(graphError(unknownEdge)).toMatchObject({ code: 100, error_subcode: 33 });
    expect(graphError(unknownPath)).toMatchObject({ code: 2500, message: 'Unknown path components: /a/b/c' });
  });

  it('answers an unparseable JSON body with code 100 and still records it', async () => {
    const response = await fetch(`${graph.url}/v21.0/me/messages?access_token=${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"recipient":',
    });
    const body = (await response.json()) as { error: { code: number } };
    expect(response.status).toBe(400);
    expect(body.error.code).toBe(100);
    expect(graph.calls({ edge: 'messages' })).toHaveLength(1);
  });
});
