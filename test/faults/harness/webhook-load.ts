import { buildTextMessageEvent, newMid, UserSimulator } from '@app/messenger-emulator';
import { sleep } from './processes.js';

/** One webhook event the load sent (and maybe re-sent, as Meta does until it gets a 200). */
export interface SentEvent {
  mid: string;
  psid: string;
  text: string;
  phase: string;
  firstSentAt: number;
  /** When a POST of it got 200; undefined if never. */
  acceptedAt?: number;
  attempts: number;
  lastStatus?: number | string;
}

export interface WebhookLoadOptions {
  ingressUrl: string;
  appSecret: string;
  pageId: string;
  psids: string[];
  /** Events per second (one event per POST). */
  rate: number;
  /** Every n-th message of a thread says `pass` (the owner bot then passes the thread on). 0: never. */
  passEvery?: number;
  /** A POST that fails is re-sent (same event, same mid) after this delay, like Meta's retries. */
  retryDelayMs?: number;
  /** Re-sending stops this long after the first attempt (then the event counts as not accepted). */
  retryForMs?: number;
  requestTimeoutMs?: number;
}

/**
 * Steady webhook traffic: `rate` signed POSTs per second (one text message each) spread
 * round-robin over the threads, paced on the clock (open loop). Failed POSTs are retried with
 * the same event, so the ingress's dedupe is exercised as well. Knows which events got a 200.
 */
export class WebhookLoad {
  readonly events = new Map<string, SentEvent>();
  private readonly user: UserSimulator;
  private readonly perThread = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private closed = false;
  private loop?: Promise<void>;
  private next = 0;
  private phase = '';

  constructor(private readonly options: WebhookLoadOptions) {
    const timeout = options.requestTimeoutMs ?? 5000;
    this.user = new UserSimulator({
      ingressUrl: options.ingressUrl,
      appSecret: options.appSecret,
      pageId: options.pageId,
      fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeout) }),
    });
  }

  /** Starts sending events tagged with `phase` (restartable after stop()). */
  start(phase: string): void {
    if (this.running) throw new Error('load already running');
    this.phase = phase;
    this.running = true;
    this.loop = this.pace();
  }

  /** Stops new events, then waits until every sent event is accepted or gave up its retries. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops everything now: no new events, no more retries (for cleanup after a failure). */
  close(): void {
    this.running = false;
    this.closed = true;
  }

  /**
   * Sends `count` events outside the steady load (e.g. one per thread to create them, or a few to
   * prove traffic flows again), at `rate` per second (default: the load's rate); resolves when
   * every one is accepted or gave up.
   */
  async burst(phase: string, count: number, rate = this.options.rate): Promise<SentEvent[]> {
    const sent: SentEvent[] = [];
    const started = performance.now();
    while (sent.length < count) {
      const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      while (sent.length < due) sent.push(this.emit(phase));
      await sleep(5);
    }
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    return sent;
  }

  ofPhase(phase: string): SentEvent[] {
    return [...this.events.values()].filter((e) => e.phase === phase);
  }

  private async pace(): Promise<void> {
    const started = performance.now();
    let issued = 0;
    while (this.running) {
      const due = Math.floor(((performance.now() - started) / 1000) * this.options.rate);
      for (; issued < due; issued++) this.emit(this.phase);
      await sleep(5);
    }
  }

  private emit(phase: string): SentEvent {
    const psid = this.options.psids[this.next++ % this.options.psids.length];
    const n = (this.perThread.get(psid) ?? 0) + 1;
    this.perThread.set(psid, n);
    const passEvery = this.options.passEvery ?? 0;
    const mid = newMid();
    const text = passEvery > 0 && n % passEvery === 0 ? `pass ${n}` : `hello ${n}`;
    const sent: SentEvent = { mid, psid, text, phase, firstSentAt: Date.now(), attempts: 0 };
    this.events.set(mid, sent);
    const task = this.deliver(sent).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
    return sent;
  }

  private async deliver(sent: SentEvent): Promise<void> {
    const retryDelay = this.options.retryDelayMs ?? 300;
    const retryFor = this.options.retryForMs ?? 30_000;
    const event = buildTextMessageEvent({ pageId: this.options.pageId, psid: sent.psid, timestamp: sent.firstSentAt }, sent.mid, sent.text);
    for (;;) {
      sent.attempts++;
      try {
        const result = await this.user.sendEvent(event);
        sent.lastStatus = result.status;
        if (result.status === 200) {
          sent.acceptedAt = Date.now();
          return;
        }
      } catch (error) {
        sent.lastStatus = (error as Error).name;
      }
      if (this.closed || Date.now() - sent.firstSentAt > retryFor) return;
      await sleep(retryDelay);
    }
  }
}
