import type { EdgeTarget, UnknownTarget } from '../graph-request.js';
import { handleAccounts } from './accounts.endpoint.js';
import { handleDebugToken } from './debug-token.endpoint.js';
import type { LoginHandler } from './login-context.js';
import { handleAccessToken } from './oauth.endpoint.js';

/** Account-level endpoints: no Page in the path, authenticated by app credentials or a user token. */
const ENDPOINTS: ReadonlyMap<string, LoginHandler> = new Map([
  ['GET /oauth/access_token', handleAccessToken],
  ['GET /me/accounts', handleAccounts],
  ['GET /debug_token', handleDebugToken],
]);

const componentsOf = (target: EdgeTarget | UnknownTarget): string =>
  target.kind === 'edge' ? `/${target.pageRef}/${target.edge}` : target.components;

export function findLoginHandler(method: string, target: EdgeTarget | UnknownTarget): LoginHandler | undefined {
  return ENDPOINTS.get(`${method.toUpperCase()} ${componentsOf(target)}`);
}
