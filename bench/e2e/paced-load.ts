import { buildTextMessageEvent, buildWebhookBody, metaJsonStringify, signBody } from '@app/messenger-emulator';
import { RawHttpPool } from './raw-http-pool.js';

export interface LoadStep {
  /** Tag carried in every message text (`<tag>|<n>`), so bots can count per step. */
  tag: string;
  /** Events per second (one event per POST, the worst case for the ingress). */
  rate: number;
  durationMs: number;
  /** Text suffix chooser, e.g. `pass` for threads the owner must hand over. */
  text?: (index: number, psid: string) => string;
  /** Threads to use, round-robin; default all. */
  psids?: string[];
}

export interface LoadResult {
  tag: string;
  rate: number;
  sent: number;
  ok: number;
  /** Non-200 answers and transport errors. */
  failed: number;
  /** Achieved send rate (events/s) over the step. */
  achievedRate: number;
  /** Webhook POST round trips (ms), sorted. */
  httpMs: number[];
  /** The generator's worst lag behind its schedule (ms): large values mean the load itself was CPU-starved. */
  maxLagMs: number;
}

/**
 * Open-loop webhook load: event i of a step is due at start + i/rate and carries that due time
 * (integer ms, Meta's `timestamp`) whatever the actual send time, so a lagging generator or a
 * slow server shows up as latency instead of being hidden (no coordinated omission).
 * Keep-alive HTTP/1.1 over loopback (RawHttpPool: the generator shares the machine with the suite,
 * so it should cost as little CPU as it can); bodies are Meta-shaped JSON signed with the app secret.
 */
export class PacedLoad {
  private readonly http: RawHttpPool;
  private seq = 0;

  constructor(
    ingressUrl: string,
    private readonly appSecret: string,
    private readonly pageId: string,
    private readonly psids: string[],
  ) {
    const url = new URL(ingressUrl);
    this.http = new RawHttpPool(url.hostname, Number(url.port), 128);
  }

  async run(step: LoadStep): Promise<LoadResult> {
    const psids = step.psids ?? this.psids;
    const httpMs: number[] = [];
    const pending = new Set<Promise<void>>();
    let ok = 0;
    let failed = 0;
    let maxLagMs = 0;
    const startWall = Date.now();
    const startMono = performance.now();
    const total = Math.round((step.rate * step.durationMs) / 1000);
    let issued = 0;
    while (issued < total) {
      const elapsed = performance.now() - startMono;
      const due = Math.min(total, Math.floor((elapsed * step.rate) / 1000) + 1);
      for (; issued < due; issued++) {
        const dueAt = startWall + (issued * 1000) / step.rate;
        maxLagMs = Math.max(maxLagMs, Date.now() - dueAt);
        const psid = psids[(this.seq + issued) % psids.length];
        const text = `${step.tag}|${issued}${step.text ? `|${step.text(issued, psid)}` : ''}`;
        const task = this.post(psid, Math.floor(dueAt), text).then(
          (ms) => {
            ok++;
            httpMs.push(ms);
          },
          () => void failed++,
        );
        pending.add(task);
        void task.finally(() => pending.delete(task));
      }
      const nextDue = (issued * 1000) / step.rate - (performance.now() - startMono);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(5, nextDue))));
    }
    const sendSeconds = (performance.now() - startMono) / 1000;
    while (pending.size > 0) await Promise.allSettled([...pending]);
    this.seq += total;
    httpMs.sort((a, b) => a - b);
    return { tag: step.tag, rate: step.rate, sent: total, ok, failed, achievedRate: total / sendSeconds, httpMs, maxLagMs };
  }

  close(): void {
    this.http.close();
  }

  /** One signed POST; resolves with its round trip (ms) on 200, rejects otherwise. */
  private async post(psid: string, timestamp: number, text: string): Promise<number> {
    const mid = `m_bench_${psid}_${timestamp}_${Math.random().toString(36).slice(2, 10)}`;
    const event = buildTextMessageEvent({ pageId: this.pageId, psid, timestamp }, mid, text);
    const body = metaJsonStringify(buildWebhookBody([{ pageId: this.pageId, time: timestamp, messaging: [event] }]));
    const started = performance.now();
    const status = await this.http.post('/webhook', { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, this.appSecret) }, body);
    if (status !== 200) throw new Error(`HTTP ${status}`);
    return performance.now() - started;
  }
}
