import { appSecretProof, constantTimeEquals } from '../crypto/hmac.js';
import {
  accessTokenRequired,
  appsecretProofInvalid,
  appsecretProofRequired,
  invalidAccessToken,
  unsupportedRequest,
} from './graph-errors.js';
import { stringParam, type GraphParams } from './graph-request.js';

/** What one Page access token stands for in the emulator. */
export interface PageTokenGrant {
  pageId: string;
  /** The Meta app the token was issued to; defaults to the emulator's `appId`. */
  appId?: string;
}

export interface AccessPolicy {
  /** Empty map = lenient: any token is accepted for explicit Page ids. */
  tokens: ReadonlyMap<string, PageTokenGrant>;
  appSecret?: string;
  /** The app a token acts for when its grant names none. */
  defaultAppId: string;
  /** Page tokens handed out by the emulated `/me/accounts`; they do not make the policy strict. */
  issued?: ReadonlyMap<string, PageTokenGrant>;
  /** Tokens Graph now refuses with 190 (revoked by a test). */
  revoked?: ReadonlySet<string>;
}

function grantOf(policy: AccessPolicy, token: string): PageTokenGrant | undefined {
  return policy.tokens.get(token) ?? policy.issued?.get(token);
}

/** The authenticated caller of one Graph request. */
export interface Caller {
  accessToken: string;
  pageId: string;
  appId: string;
}

const BEARER = /^(?:Bearer|OAuth)\s+(\S+)$/i;

/** Graph accepts the token as `access_token` (query or body) or in an `Authorization` header. */
export function readAccessToken(params: GraphParams, authorization: string | undefined): string | undefined {
  const fromParams = stringParam(params, 'access_token');
  if (fromParams) return fromParams;
  const match = authorization === undefined ? null : BEARER.exec(authorization);
  return match?.[1];
}

/** Best-effort Page id for recording and fault matching; never throws. */
export function resolvePageRef(pageRef: string, token: string | undefined, policy: AccessPolicy): string | null {
  if (pageRef !== 'me') return pageRef;
  const grant = token === undefined ? undefined : grantOf(policy, token);
  return grant?.pageId ?? null;
}

export function checkAppsecretProof(params: GraphParams, token: string, appSecret: string): void {
  const proof = stringParam(params, 'appsecret_proof');
  if (proof === undefined || proof.length === 0) throw appsecretProofRequired();
  if (!constantTimeEquals(proof.toLowerCase(), appSecretProof(token, appSecret))) throw appsecretProofInvalid();
}

/**
 * Authenticates like Graph: token required; unknown tokens refused when a token map is configured;
 * appsecret_proof checked when the app secret is known; `me` is the token's Page.
 */
export function authenticate(
  method: string,
  pageRef: string,
  params: GraphParams,
  authorization: string | undefined,
  policy: AccessPolicy,
): Caller {
  const token = readAccessToken(params, authorization);
  if (token === undefined) throw accessTokenRequired();
  if (policy.revoked?.has(token)) throw invalidAccessToken();
  const grant = grantOf(policy, token);
  if (!grant && policy.tokens.size > 0) throw invalidAccessToken();
  if (policy.appSecret !== undefined) checkAppsecretProof(params, token, policy.appSecret);
  const appId = grant?.appId ?? policy.defaultAppId;
  if (pageRef === 'me') {
    // Without a grant the emulator cannot know which Page "me" is.
    if (!grant) throw invalidAccessToken();
    return { accessToken: token, pageId: grant.pageId, appId };
  }
  // A known token used on another Page is a real bug in the caller: Meta refuses it too.
  if (grant && grant.pageId !== pageRef) throw unsupportedRequest(method, pageRef);
  return { accessToken: token, pageId: pageRef, appId };
}
