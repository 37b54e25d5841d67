import type { PageTokenGrant } from './access-control.js';

/** App id the emulator attributes calls to when a token's grant names none. */
export const DEFAULT_EMULATED_APP_ID = '100000000000001';

export interface GraphEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback by default: the emulator is a test tool and must not be reachable from outside. */
  host?: string;
  /**
   * Enables the appsecret_proof check on every Graph call. It is also the key the emulator signs
   * user webhooks with (`POST /_emulator/users/:psid/messages`): Meta uses one secret for both.
   */
  appSecret?: string;
  /**
   * The ingress's webhook URL (e.g. `http://127.0.0.1:3000/webhook`), where
   * `POST /_emulator/users/:psid/messages` delivers what a user sends. Unset: that route answers 503.
   */
  webhookUrl?: string;
  /**
   * access_token → Page id (or `{ pageId, appId }`). Lets `me` resolve; once any token is listed,
   * unknown tokens are refused with 190 like an invalid token on Graph.
   */
  tokens?: Record<string, string | PageTokenGrant>;
  /** The Meta app id callers act as (thread ownership, `take_thread_control`). */
  appId?: string;
  /** Delay before every Graph answer (not the control API), for timeout tests. */
  latencyMs?: number;
  /** Clock for recorded times and thread-control expirations (ms since epoch). */
  now?: () => number;
  /**
   * Off by default. When on, sends and pass/release by an app that does not own the thread fail
   * like Meta's (10/2018300 and 100/2534037).
   */
  enforceThreadOwnership?: boolean;
}

export function normaliseTokens(tokens: GraphEmulatorOptions['tokens']): Map<string, PageTokenGrant> {
  const grants = new Map<string, PageTokenGrant>();
  for (const [token, grant] of Object.entries(tokens ?? {})) {
    grants.set(token, typeof grant === 'string' ? { pageId: grant } : { ...grant });
  }
  return grants;
}

/** A webhook URL must be absolute http(s); caught at creation rather than at the first user message. */
export function checkWebhookUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const protocol = URL.canParse(url) ? new URL(url).protocol : undefined;
  if (protocol !== 'http:' && protocol !== 'https:') throw new TypeError(`webhookUrl must be an absolute http(s) URL, got "${url}"`);
  return url;
}

export function checkLatency(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a non-negative number of ms, got ${ms}`);
  return ms;
}
