import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSuite, type RunningSuite } from '../support/suite.js';

/**
 * The admin APIs describe themselves (OpenAPI at /docs/json, the page at /docs), with request
 * schemas made from the zod schemas the routes validate with: what the document says is what a
 * route accepts.
 */
describe('admin API documentation', () => {
  let suite: RunningSuite;

  beforeAll(async () => {
    suite = await startSuite();
  }, 60_000);

  afterAll(async () => {
    await suite?.stop();
  });

  const document = async (baseUrl: string) => {
    const response = await fetch(`${baseUrl}/docs/json`);
    expect(response.status).toBe(200);
    return (await response.json()) as { openapi: string; paths: Record<string, Record<string, any>>; components: any };
  };

  it("thread-ownership's document lists its admin routes with their bodies, and says they need the admin token", async () => {
    const doc = await document(suite.adminUrl);
    expect(doc.openapi).toMatch(/^3\./);
    const register = doc.paths['/pages/{pageId}']?.put;
    const body = register?.requestBody?.content?.['application/json']?.schema;
    expect(body?.required).toEqual(['apps']); // the token may be left out when re-registering
    expect(body?.properties?.accessToken).toMatchObject({ type: 'string', minLength: 1 });
    const putApp = doc.paths['/pages/{pageId}/apps/{appId}']?.put?.requestBody?.content?.['application/json']?.schema;
    expect(Object.keys(putApp?.properties ?? {}).sort()).toEqual(['canTake', 'role', 'subscribed']);
    expect(body?.properties?.apps?.maxItems).toBe(50);
    expect(register?.security).toEqual([{ bearer: [] }]);
    const answer = register?.responses?.['200']?.content?.['application/json']?.schema;
    expect(Object.keys(answer?.properties ?? {})).toEqual(expect.arrayContaining(['id', 'tokenStatus', 'apps']));
    expect(answer?.properties?.apps?.items?.required).toContain('app_id');
    const act = doc.paths['/pages/{pageId}/threads/{psid}/{action}']?.post;
    expect(act?.parameters.find((p: { name: string }) => p.name === 'action')?.schema?.enum).toEqual(['pass', 'take', 'request', 'release']);
    const health = doc.paths['/apps/{appId}/health']?.get;
    expect(health?.parameters.find((p: { name: string }) => p.name === 'errors')).toMatchObject({ in: 'query', required: false, schema: { maximum: 500 } });
    const start = doc.paths['/onboarding/start']?.get;
    expect(start?.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['invite', 'page_id', 'pages']);
    expect(start?.security).toBeUndefined(); // a browser route: the invite's signature protects it
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });

    // Documented is not open: the route still refuses a request without the token.
    expect((await fetch(`${suite.adminUrl}/pages/1000001`)).status).toBe(401);
    const page = await fetch(`${suite.adminUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    // The page's script is served by the service itself (swagger-ui-dist, no CDN).
    const script = (await page.text()).match(/<script src="([^"]+swagger-ui-bundle\.js)"/)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(new URL(script!, `${suite.adminUrl}/docs`))).status).toBe(200);
  });

  it("notifications' document lists the settings body and the inventory's psid filter", async () => {
    const doc = await document(suite.notificationsUrl);
    const put = doc.paths['/pages/{pageId}/settings']?.put;
    expect(put?.requestBody?.content?.['application/json']?.schema).toMatchObject({ type: 'object', required: ['otnEnabled'], additionalProperties: false });
    const tokens = doc.paths['/pages/{pageId}/tokens']?.get;
    expect(tokens?.parameters.find((p: { name: string }) => p.name === 'psid')).toMatchObject({ in: 'query', required: false });
  });
});
