/** One Graph API request the emulator answered, as tests inspect it. */
export interface RecordedCall {
  /** 1-based arrival order, stable across `calls()` snapshots (reset by `clearCalls`). */
  seq: number;
  method: string;
  /** Path without the query string, e.g. `/v21.0/me/messages`. */
  path: string;
  query: Record<string, unknown>;
  /** Parsed JSON, or the form fields as strings; undefined when there was no body. */
  body: unknown;
  /** `v21.0`, or null for an unversioned path. */
  version: string | null;
  /** The Page the call addressed, with `me` resolved through the token when possible. */
  pageId: string | null;
  edge: string | null;
  /** Arrival time (ms since epoch, from the emulator's clock). */
  time: number;
  response: { status: number; body: unknown };
  /** True when the answer came from `failNext` rather than the emulated endpoint. */
  injected: boolean;
}

export interface CallFilter {
  method?: string;
  edge?: string;
  pageId?: string;
  pathIncludes?: string;
  status?: number;
}
export type CallPredicate = (call: RecordedCall) => boolean;
/** Either a field filter (all given fields must match) or a free predicate. */
export type CallMatcher = CallFilter | CallPredicate;

export function matchesCall(call: RecordedCall, matcher: CallMatcher | undefined): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === 'function') return matcher(call);
  return (
    (matcher.method === undefined || matcher.method.toUpperCase() === call.method) &&
    (matcher.edge === undefined || matcher.edge === call.edge) &&
    (matcher.pageId === undefined || matcher.pageId === call.pageId) &&
    (matcher.pathIncludes === undefined || call.path.includes(matcher.pathIncludes)) &&
    (matcher.status === undefined || matcher.status === call.response.status)
  );
}

interface Waiter {
  matcher: CallMatcher;
  resolve: (call: RecordedCall) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Keeps every answered call and wakes up tests waiting for a particular one. */
export class CallRecorder {
  private recorded: RecordedCall[] = [];
  private nextSeq = 1;
  private readonly waiters = new Set<Waiter>();

  record(call: Omit<RecordedCall, 'seq'>): RecordedCall {
    const stored: RecordedCall = { seq: this.nextSeq++, ...call };
    this.recorded.push(stored);
    this.wakeWaiters(stored);
    return stored;
  }

  list(matcher?: CallMatcher): RecordedCall[] {
    return this.recorded.filter((call) => matchesCall(call, matcher));
  }

  clear(): void {
    this.recorded = [];
    this.nextSeq = 1;
  }

  /**
   * Resolves with the first recorded call that matches — one already recorded counts, so a test
   * cannot miss a call that raced ahead of it. Narrow the matcher (or clear) to wait for a new one.
   */
  waitFor(matcher: CallMatcher, timeoutMs: number): Promise<RecordedCall> {
    const existing = this.recorded.find((call) => matchesCall(call, matcher));
    if (existing) return Promise.resolve(existing);
    return new Promise<RecordedCall>((resolve, reject) => {
      const waiter: Waiter = {
        matcher,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`waitForCall: no matching Graph call within ${timeoutMs} ms (${this.recorded.length} recorded)`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Fails pending waits, e.g. when the emulator closes, so tests end instead of hanging. */
  rejectWaiters(reason: string): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(reason));
    }
    this.waiters.clear();
  }

  private wakeWaiters(call: RecordedCall): void {
    for (const waiter of this.waiters) {
      if (!matchesCall(call, waiter.matcher)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(call);
    }
  }
}
