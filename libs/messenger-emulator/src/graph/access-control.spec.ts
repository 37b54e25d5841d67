import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createGraphEmulator, type GraphEmulator } from '../index.js';
import { graphError, httpCall } from '../testing/http-helpers.js';

const PAGE_A = '1001';
const PAGE_B = '2002';
const TEXT = { recipient: { id: '9' }, message: { text: 'hi' } };

describe('Graph emulator: access tokens and appsecret_proof', () => {
  let graph: GraphEmulator;
  afterEach(() => graph.close());

  const sendWith = (query: Record<string, string>, path = '/v21.0/me/messages', headers?: Record<string, string>) =>
    httpCall(graph.url, 'POST', path, { query, json: TEXT, headers });

  it('requires an access token (190, HTTP 400)', async () => {
    graph = await createGraphEmulator();
    const answer = await sendWith({}, `/v21.0/${PAGE_A}/messages`);
    expect(answer.status).toBe(400);
    expect(graphError(answer)).toMatchObject({ code: 190, type: 'OAuthException', is_transient: false });
  });

  it('resolves me through the token map and refuses unknown tokens once a map is set', async () => {
    graph = await createGraphEmulator({ tokens: { 'tok-a': PAGE_A, 'tok-b': { pageId: PAGE_B, appId: '77' } } });
    expect((await sendWith({ access_token: 'tok-b' })).status).toBe(200);
    expect(graph.calls()[0]?.pageId).toBe(PAGE_B);
    const unknown = await sendWith({ access_token: 'nope' }, `/v21.0/${PAGE_A}/messages`);
    expect(unknown.status).toBe(400);
    expect(graphError(unknown).code).toBe(190);
  });

  it('refuses a known token used on another Page', async () => {
    graph = await createGraphEmulator({ tokens: { 'tok-a': PAGE_A } });
    const answer = await sendWith({ access_token: 'tok-a' }, `/v21.0/${PAGE_B}/messages`);
    expect(graphError(answer)).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('without a token map accepts any token for explicit Pages but cannot resolve me', async () => {
    graph = await createGraphEmulator();
    expect((await sendWith({ access_token: 'anything' }, `/v21.0/${PAGE_A}/messages`)).status).toBe(200);
    expect(graphError(await sendWith({ access_token: 'anything' })).code).toBe(190);
  });

  it('accepts the token in an Authorization header', async () => {
    graph = await createGraphEmulator({ tokens: { 'tok-a': PAGE_A } });
    expect((await sendWith({}, '/v21.0/me/messages', { authorization: 'Bearer tok-a' })).status).toBe(200);
  });

  describe('with an app secret', () => {
    const SECRET = 'app-secret-xyz';
    // Computed here independently of the emulator's helper.
    const proofFor = (token: string) => createHmac('sha256', SECRET).update(token).digest('hex');

    it('accepts the right appsecret_proof in the query or the body', async () => {
      graph = await createGraphEmulator({ appSecret: SECRET, tokens: { 'tok-a': PAGE_A } });
      expect((await sendWith({ access_token: 'tok-a', appsecret_proof: proofFor('tok-a') })).status).toBe(200);
      const inBody = await httpCall(graph.url, 'POST', '/v21.0/me/messages', {
        json: { ...TEXT, access_token: 'tok-a', appsecret_proof: proofFor('tok-a') },
      });
      expect(inBody.status).toBe(200);
    });

    it.each([
      ['missing', {}],
      ['wrong', { appsecret_proof: createHmac('sha256', 'other-secret').update('tok-a').digest('hex') }],
      ['for another token', { appsecret_proof: createHmac('sha256', SECRET).update('tok-b').digest('hex') }],
    ])('refuses a %s proof with code 100 naming appsecret_proof', async (_case, proof) => {
      graph = await createGraphEmulator({ appSecret: SECRET, tokens: { 'tok-a': PAGE_A } });
      const answer = await sendWith({ access_token: 'tok-a', ...proof });
      expect(answer.status).toBe(400);
      expect(graphError(answer)).toMatchObject({ code: 100, message: expect.stringContaining('appsecret_proof') });
    });
  });
});
