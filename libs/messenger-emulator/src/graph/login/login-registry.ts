import { randomBytes } from 'node:crypto';
import type { PageTokenGrant } from '../access-control.js';

/** A Page the emulated Facebook user manages, as `/me/accounts` lists it. */
export interface LoginPage {
  id: string;
  name?: string;
  /** Meta's Page tasks; default: every task (the user is a full admin). */
  tasks?: string[];
}

/** Who logs in at the next dialog, and what they do there. */
export interface LoginUser {
  userId?: string;
  pages: LoginPage[];
  /** Permissions the user unticks in the dialog: asked for, not granted. */
  declinedScopes?: string[];
  /** The user presses "Cancel": the dialog redirects with `error=access_denied`. */
  deny?: boolean;
}

/** What `debug_token` reports about a token the emulator issued. */
export interface TokenInfo {
  type: 'USER' | 'PAGE';
  userId: string;
  /** The Page of a Page token. */
  pageId?: string;
  scopes: string[];
  isValid: boolean;
  issuedAt: number;
  /** Seconds since epoch; 0 = never (Page tokens derived from a long-lived user token, §6.3). */
  expiresAt: number;
}

/** The per-token parts a test may override (control API `PUT /_emulator/tokens/info`). */
export interface TokenInfoOverride {
  isValid?: boolean;
  scopes?: string[];
}

interface IssuedCode {
  redirectUri: string;
  user: Required<Pick<LoginUser, 'userId' | 'pages'>>;
  scopes: string[];
  used: boolean;
}

export const ALL_PAGE_TASKS = ['ANALYZE', 'ADVERTISE', 'MESSAGING', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'];
const SHORT_LIVED_SECONDS = 3600;
export const LONG_LIVED_SECONDS = 5_183_944;

const opaque = (prefix: string): string => `${prefix}${randomBytes(24).toString('base64url')}`;

/**
 * Facebook Login as the emulator plays it: the next user to log in, authorisation codes (single
 * use), user tokens, the Page tokens `/me/accounts` hands out, and revoked tokens.
 * `pageGrants` and `revoked` are read by access control, so issued Page tokens work on the Send API.
 */
export class LoginRegistry {
  readonly pageGrants = new Map<string, PageTokenGrant>();
  readonly revoked = new Set<string>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly infos = new Map<string, TokenInfo>();
  private readonly userPages = new Map<string, LoginPage[]>();
  private nextUser: LoginUser = { pages: [] };
  denyAll = false;

  constructor(
    private readonly appId: string,
    private readonly now: () => number,
  ) {}

  setNextUser(user: LoginUser): void {
    this.nextUser = { ...user, pages: user.pages.map((page) => ({ ...page })) };
  }

  get next(): LoginUser {
    return this.nextUser;
  }

  issueCode(redirectUri: string, requestedScopes: string[]): string {
    const declined = new Set(this.nextUser.declinedScopes ?? []);
    const code = opaque('AQ');
    const user = { userId: this.nextUser.userId ?? '900000000000001', pages: this.nextUser.pages };
    this.codes.set(code, { redirectUri, user, scopes: requestedScopes.filter((scope) => !declined.has(scope)), used: false });
    return code;
  }

  /** Spends a code; the reason when it cannot be used. */
  redeemCode(code: string, redirectUri: string): IssuedCode | 'unknown' | 'used' | 'redirect_uri' {
    const issued = this.codes.get(code);
    if (!issued) return 'unknown';
    if (issued.used) return 'used';
    if (issued.redirectUri !== redirectUri) return 'redirect_uri';
    issued.used = true;
    return issued;
  }

  issueUserToken(userId: string, scopes: string[], pages: LoginPage[], longLived: boolean): { token: string; expiresIn: number } {
    const token = opaque(longLived ? 'EAAL' : 'EAAS');
    const expiresIn = longLived ? LONG_LIVED_SECONDS : SHORT_LIVED_SECONDS;
    this.infos.set(token, { type: 'USER', userId, scopes, isValid: true, issuedAt: this.seconds(), expiresAt: this.seconds() + expiresIn });
    this.userPages.set(token, pages);
    return { token, expiresIn };
  }

  /** The valid user token's info and Pages, or undefined (unknown, revoked, not a user token). */
  user(token: string): { info: TokenInfo; pages: LoginPage[] } | undefined {
    const info = this.info(token);
    const pages = this.userPages.get(token);
    return info?.type === 'USER' && info.isValid && pages ? { info, pages } : undefined;
  }

  issuePageToken(user: TokenInfo, pageId: string): string {
    const token = opaque('EAAP');
    const longLived = user.expiresAt - user.issuedAt > SHORT_LIVED_SECONDS;
    this.infos.set(token, {
      type: 'PAGE',
      userId: user.userId,
      pageId,
      scopes: [...user.scopes],
      isValid: true,
      issuedAt: this.seconds(),
      expiresAt: longLived ? 0 : this.seconds() + SHORT_LIVED_SECONDS,
    });
    this.pageGrants.set(token, { pageId, appId: this.appId });
    return token;
  }

  /** Current info with revocation applied; undefined for tokens the emulator did not issue. */
  info(token: string): TokenInfo | undefined {
    const info = this.infos.get(token);
    return info && { ...info, isValid: info.isValid && !this.revoked.has(token) };
  }

  override(token: string, override: TokenInfoOverride, fallback: () => TokenInfo): void {
    const info = this.infos.get(token) ?? fallback();
    this.infos.set(token, { ...info, ...override, scopes: override.scopes ? [...override.scopes] : info.scopes });
  }

  /** Graph now answers 190 for this token (password change, app removed, permission revoked). */
  revoke(token: string): void {
    this.revoked.add(token);
  }

  clear(): void {
    this.pageGrants.clear();
    this.revoked.clear();
    this.codes.clear();
    this.infos.clear();
    this.userPages.clear();
    this.nextUser = { pages: [] };
    this.denyAll = false;
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
