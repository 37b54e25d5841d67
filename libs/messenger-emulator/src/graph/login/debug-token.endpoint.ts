import { checkAppsecretProof, readAccessToken } from '../access-control.js';
import { accessTokenRequired, invalidAccessToken } from '../graph-errors.js';
import { stringParam } from '../graph-request.js';
import type { LoginContext, LoginHandler } from './login-context.js';
import type { TokenInfo } from './login-registry.js';

/** Scopes of tokens the emulator did not issue but accepts (the lenient mode's and configured tokens). */
export const DEFAULT_PAGE_SCOPES = ['pages_messaging', 'pages_manage_metadata', 'pages_show_list'];

/** debug_token is called with the app token `<app-id>|<app-secret>` (§6.5). */
function checkAppToken(context: LoginContext): void {
  const { policy } = context.state;
  const token = readAccessToken(context.params, context.authorization);
  if (token === undefined) throw accessTokenRequired();
  const [appId, secret] = token.split('|');
  if (appId !== policy.defaultAppId || secret === undefined) throw invalidAccessToken();
  if (policy.appSecret !== undefined) {
    if (secret !== policy.appSecret) throw invalidAccessToken();
    checkAppsecretProof(context.params, token, policy.appSecret);
  }
}

/** Info for a token the emulator did not issue: valid when access control would accept it. */
export function externalTokenInfo(context: LoginContext, token: string): TokenInfo | undefined {
  const { policy } = context.state;
  const grant = policy.tokens.get(token);
  if (!grant && policy.tokens.size > 0) return undefined;
  const issuedAt = Math.floor(context.state.now() / 1000);
  return { type: 'PAGE', userId: '900000000000000', pageId: grant?.pageId, scopes: [...DEFAULT_PAGE_SCOPES], isValid: true, issuedAt, expiresAt: 0 };
}

/** Where a per-token override starts for a token the emulator did not issue. */
export function fallbackTokenInfo(state: LoginContext['state'], token: string): TokenInfo {
  return externalTokenInfo({ state, params: {} }, token) ?? { type: 'PAGE', userId: '0', scopes: [], isValid: false, issuedAt: 0, expiresAt: 0 };
}

function describe(context: LoginContext, token: string): Record<string, unknown> {
  const { login, policy } = context.state;
  const info = login.info(token) ?? externalTokenInfo(context, token);
  if (!info) return { is_valid: false, scopes: [], error: { code: 190, message: 'Invalid OAuth access token.' } };
  const valid = info.isValid && !login.revoked.has(token);
  return {
    app_id: policy.defaultAppId,
    type: info.type,
    application: 'Emulated Messenger app',
    data_access_expires_at: info.issuedAt + 90 * 24 * 3600,
    expires_at: info.expiresAt,
    is_valid: valid,
    issued_at: info.issuedAt,
    scopes: info.scopes,
    user_id: info.userId,
    ...(info.pageId ? { profile_id: info.pageId } : {}),
    ...(valid ? {} : { error: { code: 190, subcode: 460, message: 'The session has been invalidated.' } }),
  };
}

/** `GET /debug_token?input_token=…` (§6.5). */
export const handleDebugToken: LoginHandler = (context) => {
  checkAppToken(context);
  const input = stringParam(context.params, 'input_token') ?? '';
  return { status: 200, body: { data: describe(context, input) } };
};
