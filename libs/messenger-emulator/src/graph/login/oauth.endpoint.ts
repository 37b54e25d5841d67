import { stringParam } from '../graph-request.js';
import { invalidParameter } from '../graph-errors.js';
import type { LoginContext, LoginHandler } from './login-context.js';
import { codeAlreadyUsed, invalidAppId, invalidClientSecret, invalidCode, redirectUriMismatch, sessionInvalidated } from './login-errors.js';

/** Server-side exchanges carry the app's id and secret (§6.1, §6.2). */
function checkClient(context: LoginContext): void {
  const { policy } = context.state;
  if (stringParam(context.params, 'client_id') !== policy.defaultAppId) throw invalidAppId();
  const secret = stringParam(context.params, 'client_secret');
  if (secret === undefined || (policy.appSecret !== undefined && secret !== policy.appSecret)) throw invalidClientSecret();
}

const tokenAnswer = (token: string, expiresIn: number) => ({ status: 200, body: { access_token: token, token_type: 'bearer', expires_in: expiresIn } });

function exchangeCode(context: LoginContext) {
  const code = stringParam(context.params, 'code');
  if (!code) throw invalidParameter('Missing authorization code');
  const redeemed = context.state.login.redeemCode(code, stringParam(context.params, 'redirect_uri') ?? '');
  if (redeemed === 'unknown') throw invalidCode();
  if (redeemed === 'used') throw codeAlreadyUsed();
  if (redeemed === 'redirect_uri') throw redirectUriMismatch();
  const { token, expiresIn } = context.state.login.issueUserToken(redeemed.user.userId, redeemed.scopes, redeemed.user.pages, false);
  return tokenAnswer(token, expiresIn);
}

function exchangeForLongLived(context: LoginContext) {
  const shortLived = stringParam(context.params, 'fb_exchange_token') ?? '';
  const user = context.state.login.user(shortLived);
  // An expired or revoked token cannot be exchanged: the user must log in again (§6.2).
  if (!user) throw sessionInvalidated();
  const { token, expiresIn } = context.state.login.issueUserToken(user.info.userId, user.info.scopes, user.pages, true);
  return tokenAnswer(token, expiresIn);
}

/** `GET /oauth/access_token`: code → short-lived user token, or `grant_type=fb_exchange_token` → long-lived. */
export const handleAccessToken: LoginHandler = (context) => {
  checkClient(context);
  return stringParam(context.params, 'grant_type') === 'fb_exchange_token' ? exchangeForLongLived(context) : exchangeCode(context);
};
