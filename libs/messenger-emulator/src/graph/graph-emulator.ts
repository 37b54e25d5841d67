import type { AddressInfo } from 'node:net';
import type { BusinessUsage } from './business-usage.js';
import type { CallMatcher, RecordedCall } from './call-recorder.js';
import type { GraphEmulatorOptions } from './emulator-options.js';
import { checkLatency } from './emulator-options.js';
import { createEmulatorState, resetState, type EmulatorState } from './emulator-state.js';
import type { FaultMatch } from './fault-injector.js';
import type { GraphErrorSpec } from './graph-error.js';
import type { LoginUser, TokenInfo, TokenInfoOverride } from './login/login-registry.js';
import { externalTokenInfo, fallbackTokenInfo } from './login/debug-token.endpoint.js';
import type { OtnTokenGrant } from './otn-registry.js';
import { buildEmulatorServer } from './server/http-server.js';
import type { PageSubscription } from './subscription-registry.js';
import type { ThreadOwnership } from './thread-registry.js';

export const DEFAULT_WAIT_FOR_CALL_MS = 5_000;

/** A running Graph API emulator. */
export interface GraphEmulator {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:39123`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  calls(matcher?: CallMatcher): RecordedCall[];
  clearCalls(): void;
  /** The next `times` matching Graph calls answer with Meta's error envelope for `error`. */
  failNext(match: FaultMatch, error: GraphErrorSpec, times?: number): void;
  clearFaults(): void;
  /** Resolves with the first matching call (already recorded ones included); rejects on timeout. */
  waitForCall(matcher: CallMatcher, timeoutMs?: number): Promise<RecordedCall>;
  setLatency(ms: number): void;
  /** Makes the Send API accept `token` once (the user simulator does this on opt-in). */
  registerOtnToken(token: string, grant: OtnTokenGrant): void;
  isOtnTokenUsed(token: string): boolean;
  threadOwner(pageId: string, psid: string): ThreadOwnership | undefined;
  /** Sets the owner directly (null = idle), e.g. "a human in the Page Inbox took the thread". */
  setThreadOwner(pageId: string, psid: string, appId: string | null): void;
  /** Who logs in at the next Facebook Login dialog: their Pages, declined permissions, or Cancel. */
  setLoginUser(user: LoginUser): void;
  /** Every dialog visit answers `error=access_denied` while on. */
  denyLogins(deny: boolean): void;
  /** Graph refuses the token with 190 from now on; debug_token reports it invalid. */
  revokeToken(token: string): void;
  /** Overrides what debug_token reports (validity, scopes) for one token. */
  setTokenInfo(token: string, info: TokenInfoOverride): void;
  /** debug_token's view of a token, undefined when the emulator would call it invalid. */
  tokenInfo(token: string): TokenInfo | undefined;
  /** Webhook subscriptions made through `POST /{page-id}/subscribed_apps`. */
  subscriptions(pageId?: string): PageSubscription[];
  /** Reports this usage in `X-Business-Use-Case-Usage` on every call for the Page (null: stop). */
  setBusinessUsage(pageId: string, usage: BusinessUsage | null): void;
  /** Forgets calls, faults, OTN tokens, thread owners, logins, subscriptions and usage; restores the initial latency. */
  reset(): void;
}

function emulatorApi(state: EmulatorState, url: string, port: number, close: () => Promise<void>): GraphEmulator {
  return {
    url,
    port,
    close,
    calls: (matcher) => state.recorder.list(matcher),
    clearCalls: () => state.recorder.clear(),
    failNext: (match, error, times = 1) => state.faults.add(match, error, times),
    clearFaults: () => state.faults.clear(),
    waitForCall: (matcher, timeoutMs = DEFAULT_WAIT_FOR_CALL_MS) => state.recorder.waitFor(matcher, timeoutMs),
    setLatency: (ms) => {
      state.latencyMs = checkLatency(ms);
    },
    registerOtnToken: (token, grant) => state.otn.register(token, grant),
    isOtnTokenUsed: (token) => state.otn.isUsed(token),
    threadOwner: (pageId, psid) => state.threads.owner(pageId, psid),
    setThreadOwner: (pageId, psid, appId) => {
      if (appId === null) state.threads.release(pageId, psid);
      else state.threads.assign(pageId, psid, appId);
    },
    setLoginUser: (user) => state.login.setNextUser(user),
    denyLogins: (deny) => {
      state.login.denyAll = deny;
    },
    revokeToken: (token) => state.login.revoke(token),
    setTokenInfo: (token, info) => state.login.override(token, info, () => fallbackTokenInfo(state, token)),
    tokenInfo: (token) => {
      const info = state.login.info(token) ?? externalTokenInfo({ state, params: {} }, token);
      return info && !state.login.revoked.has(token) ? info : undefined;
    },
    subscriptions: (pageId) => state.subscriptions.list(pageId),
    setBusinessUsage: (pageId, usage) => state.usage.set(pageId, usage),
    reset: () => resetState(state),
  };
}

/** IPv6 literals need brackets in a URL. */
const hostForUrl = (address: string): string => (address.includes(':') ? `[${address}]` : address);

/** Starts an emulator of Meta's Graph API (Send API + thread control) on loopback. */
export async function createGraphEmulator(options: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const state = createEmulatorState(options);
  const app = buildEmulatorServer(state);
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    // Idempotent: a test's afterAll and a failing test may both close.
    closed ??= (async () => {
      state.closing.abort();
      state.recorder.rejectWaiters('waitForCall: the Graph emulator was closed');
      await app.close();
    })();
    return closed;
  };
  return emulatorApi(state, `http://${hostForUrl(address.address)}:${address.port}`, address.port, close);
}
