import { randomBytes } from 'node:crypto';
import type { AccessPolicy } from './access-control.js';
import { BusinessUsageBoard } from './business-usage.js';
import { CallRecorder } from './call-recorder.js';
import { checkLatency, checkWebhookUrl, DEFAULT_EMULATED_APP_ID, normaliseTokens, type GraphEmulatorOptions } from './emulator-options.js';
import { FaultInjector } from './fault-injector.js';
import { LoginRegistry } from './login/login-registry.js';
import { OtnRegistry } from './otn-registry.js';
import { SubscriptionRegistry } from './subscription-registry.js';
import { ThreadOwnerRegistry } from './thread-registry.js';

/** Everything one emulator instance remembers; shared by the Graph pipeline and the control API. */
export interface EmulatorState {
  readonly policy: AccessPolicy;
  readonly recorder: CallRecorder;
  readonly faults: FaultInjector;
  readonly otn: OtnRegistry;
  readonly threads: ThreadOwnerRegistry;
  /** Facebook Login: codes, user tokens, issued Page tokens, revocations. */
  readonly login: LoginRegistry;
  readonly subscriptions: SubscriptionRegistry;
  readonly usage: BusinessUsageBoard;
  readonly now: () => number;
  readonly enforceThreadOwnership: boolean;
  /** Where user messages sent through the control API are posted (the ingress's webhook). */
  readonly webhookUrl?: string;
  /** Aborted on close, so delayed answers finish at once instead of holding the server open. */
  readonly closing: AbortController;
  /** The latency given at creation; `reset` returns to it. */
  readonly initialLatencyMs: number;
  latencyMs: number;
}

export function createEmulatorState(options: GraphEmulatorOptions): EmulatorState {
  const now = options.now ?? Date.now;
  const latencyMs = checkLatency(options.latencyMs ?? 0);
  const appId = options.appId ?? DEFAULT_EMULATED_APP_ID;
  const login = new LoginRegistry(appId, now);
  return {
    policy: {
      tokens: normaliseTokens(options.tokens),
      appSecret: options.appSecret,
      defaultAppId: appId,
      issued: login.pageGrants,
      revoked: login.revoked,
    },
    recorder: new CallRecorder(),
    faults: new FaultInjector(),
    otn: new OtnRegistry(),
    threads: new ThreadOwnerRegistry(now),
    login,
    subscriptions: new SubscriptionRegistry(),
    usage: new BusinessUsageBoard(),
    now,
    enforceThreadOwnership: options.enforceThreadOwnership ?? false,
    webhookUrl: checkWebhookUrl(options.webhookUrl),
    closing: new AbortController(),
    initialLatencyMs: latencyMs,
    latencyMs,
  };
}

/** Meta message ids look like `m_` + opaque base64url; 18 random bytes make collisions negligible. */
export const newMessageId = (): string => `m_${randomBytes(18).toString('base64url')}`;

/** Forgets calls, faults, OTN tokens, thread owners, logins and subscriptions; restores the initial latency. */
export function resetState(state: EmulatorState): void {
  state.recorder.clear();
  state.faults.clear();
  state.otn.clear();
  state.threads.clear();
  state.login.clear();
  state.subscriptions.clear();
  state.usage.clear();
  state.latencyMs = state.initialLatencyMs;
}
