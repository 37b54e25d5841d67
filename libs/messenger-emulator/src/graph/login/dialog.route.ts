import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorState } from '../emulator-state.js';
import { pathOf } from '../graph-request.js';

/** Query values that switch the dialog to "the user pressed Cancel" for one visit. */
const DENY_QUERY = 'emulator_deny';

type DialogQuery = Record<string, string | undefined>;

function redirectTo(redirectUri: string, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

function isHttpUrl(value: string | undefined): value is string {
  if (!value) return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Meta shows an error page, not a redirect, when the request itself is broken. */
function dialogError(message: string): { status: number; location?: string; body: unknown } {
  return { status: 400, body: { error: { message, type: 'OAuthException', code: 191 } } };
}

/** Where the dialog sends the browser: back with `code` and `state`, or with `error=access_denied`. */
function decide(state: EmulatorState, query: DialogQuery): { status: number; location?: string; body: unknown } {
  if (query.client_id !== state.policy.defaultAppId) return dialogError('Invalid App ID: the app id in the URL is not known');
  if (!isHttpUrl(query.redirect_uri)) return dialogError('URL blocked: redirect_uri is missing or not an absolute http(s) URL');
  if (query.response_type !== undefined && query.response_type !== 'code') return dialogError('Unsupported response_type');
  const back: Record<string, string> = query.state === undefined ? {} : { state: query.state };
  const denied = state.login.denyAll || state.login.next.deny === true || ['1', 'true'].includes(query[DENY_QUERY] ?? '');
  if (denied) {
    const params = { ...back, error: 'access_denied', error_code: '200', error_reason: 'user_denied', error_description: 'Permissions error' };
    return { status: 302, location: redirectTo(query.redirect_uri, params), body: {} };
  }
  const scopes = (query.scope ?? '').split(',').map((scope) => scope.trim()).filter((scope) => scope.length > 0);
  const code = state.login.issueCode(query.redirect_uri, scopes);
  return { status: 302, location: redirectTo(query.redirect_uri, { ...back, code }), body: {} };
}

async function handleDialog(state: EmulatorState, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const query = { ...(request.query as DialogQuery) };
  const answer = decide(state, query);
  const path = pathOf(request.url);
  state.recorder.record({
    method: 'GET',
    path,
    query,
    body: undefined,
    version: (request.params as { version?: string }).version ?? null,
    pageId: null,
    edge: null,
    time: state.now(),
    response: { status: answer.status, body: answer.location ? { location: answer.location } : answer.body },
    injected: false,
  });
  if (answer.location) return reply.redirect(answer.location, 302);
  return reply.code(answer.status).send(answer.body);
}

/**
 * Stand-in for `https://www.facebook.com/<ver>/dialog/oauth` (§6.1): no login page, the configured
 * user (see `setLoginUser`) "logs in" and the browser is sent straight back to `redirect_uri`.
 */
export function registerLoginDialog(app: FastifyInstance, state: EmulatorState): void {
  app.get('/:version/dialog/oauth', (request, reply) => handleDialog(state, request, reply));
  app.get('/dialog/oauth', (request, reply) => handleDialog(state, request, reply));
}
