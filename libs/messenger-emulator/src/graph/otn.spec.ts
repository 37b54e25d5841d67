import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGraphEmulator, type GraphEmulator } from '../index.js';
import { graphError, httpCall } from '../testing/http-helpers.js';

const PAGE = '3003';
const TOKEN = 'page-token';

describe('Graph emulator: one-time notification tokens', () => {
  let graph: GraphEmulator;
  const notify = (recipient: Record<string, string>, extra: Record<string, unknown> = {}) =>
    httpCall(graph.url, 'POST', '/v21.0/me/messages', {
      query: { access_token: TOKEN },
      json: { recipient, message: { text: 'back in stock' }, ...extra },
    });

  beforeAll(async () => {
    graph = await createGraphEmulator({ tokens: { [TOKEN]: PAGE } });
  });
  afterAll(() => graph.close());
  beforeEach(() => graph.reset());

  it('accepts a registered token once, answering with the PSID it belongs to', async () => {
    graph.registerOtnToken('otn-1', { pageId: PAGE, psid: '555', payload: 'restock' });
    const first = await notify({ one_time_notif_token: 'otn-1' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ recipient_id: '555', message_id: expect.stringMatching(/^m_/) });
    expect(graph.isOtnTokenUsed('otn-1')).toBe(true);

    const second = await notify({ one_time_notif_token: 'otn-1' });
    expect(second.status).toBe(400);
    expect(graphError(second)).toMatchObject({ code: 100, is_transient: false });
    expect(graphError(second).message).toMatch(/invalid or has already been used.*already used/);
  });

  it('refuses a token it never issued', async () => {
    const answer = await notify({ one_time_notif_token: 'forged' });
    expect(answer.status).toBe(400);
    expect(graphError(answer)).toMatchObject({ code: 100, is_transient: false, message: expect.stringMatching(/unknown token/) });
  });

  it('refuses a token issued for another Page', async () => {
    graph.registerOtnToken('otn-other', { pageId: '9999', psid: '1' });
    expect(graphError(await notify({ one_time_notif_token: 'otn-other' })).message).toMatch(/another Page/);
  });

  it('refuses a tag together with a token and leaves the token unspent', async () => {
    graph.registerOtnToken('otn-2', { pageId: PAGE, psid: '1' });
    const tagged = await notify({ one_time_notif_token: 'otn-2' }, { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(tagged.status).toBe(400);
    expect(graphError(tagged).code).toBe(100);
    expect(graph.isOtnTokenUsed('otn-2')).toBe(false);
    expect((await notify({ one_time_notif_token: 'otn-2' })).status).toBe(200);
  });

  it('omits recipient_id when the token owner is unknown', async () => {
    graph.registerOtnToken('otn-3', { pageId: PAGE });
    const answer = await notify({ one_time_notif_token: 'otn-3' });
    expect(answer.body).toEqual({ message_id: expect.stringMatching(/^m_/) });
  });
});
