import type { AddressInfo } from 'node:net';
import type { CallMatcher, RecordedCall } from './call-recorder.js';
import type { GraphEmulatorOptions } from './emulator-options.js';
import { checkLatency } from './emulator-options.js';
import { createEmulatorState, resetState, type EmulatorState } from './emulator-state.js';
import type { FaultMatch } from './fault-injector.js';
import type { GraphErrorSpec } from './graph-error.js';
import type { OtnTokenGrant } from './otn-registry.js';
import { buildEmulatorServer } from './server/http-server.js';
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
  /** Forgets calls, faults, OTN tokens and thread owners; restores the initial latency. */
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
