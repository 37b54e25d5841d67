import os from 'node:os';
import path from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { threadPartition, webhookEventSubject, type WebhookEventStored } from '@app/contracts';
import pg from 'pg';
import { createTestEnvironment } from '../../test/support/test-environment.js';
import { atFixedRate, cpuSeconds, startService, summarize } from './bench-tools.js';

/**
 * Issue 4's benchmark: pass/take round-trip latency at a fixed rate, and routing throughput with
 * 1,000 threads and then with 1,000,000 threads in the table. The service runs in its own process
 * (built with SWC); the driver publishes stored-event envelopes straight into the EVENTS stream.
 * Knobs: BENCH_RATE (500 ops/s), BENCH_SECONDS (10), BENCH_THREADS (1000), BENCH_EVENTS_PER_THREAD (10), BENCH_BIG_TABLE (1000000),
 * BENCH_PHASES (routing,passtake,bigtable: which phases run; the warm-up always does), BENCH_SERVICE (the built
 * service to start, default dist/apps/thread-ownership/src/main.js: e.g. a build of another commit),
 * BENCH_PROFILE (a path: a V8 CPU profile of the service during the pass/take phase is written there;
 * summarise it with `node bench/thread-ownership/profile-summary.mjs <path>`).
 */
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const THREADS = Number(process.env.BENCH_THREADS ?? 1000);
const PER_THREAD = Number(process.env.BENCH_EVENTS_PER_THREAD ?? 10);
const BIG_TABLE = Number(process.env.BENCH_BIG_TABLE ?? 1_000_000);
const PHASES = new Set((process.env.BENCH_PHASES ?? 'routing,passtake,bigtable').split(','));
const PROFILE = process.env.BENCH_PROFILE;
const PAGE = '900001';
const ADMIN = 'bench-admin-token-0123456789';
const port = 4100 + Math.floor(Math.random() * 800);

const env = await createTestEnvironment({ ADMIN_API_TOKEN: ADMIN, GRAPH_API_URL: 'http://127.0.0.1:9', THREAD_OWNERSHIP_PORT: String(port), OWNERSHIP_SWEEP_INTERVAL_MS: '3600000' });
const profilerArgs = PROFILE ? ['--import', path.resolve('bench/shared/cpu-profiler.mjs')] : [];
const serviceEnv = { ...(process.env as Record<string, string>), ...(PROFILE ? { CPU_PROFILE_OUT: PROFILE } : {}) };
const service = await startService(process.env.BENCH_SERVICE ?? 'dist/apps/thread-ownership/src/main.js', serviceEnv, `http://127.0.0.1:${port}/health`, profilerArgs);
const nc = await connect({ servers: env.natsUrl });
const js = jetstream(nc);
const db = new pg.Client({ connectionString: env.databaseUrl });
await db.connect();
let delivered = 0;
nc.subscribe(`${env.prefix}.bot.>`, { callback: () => void (delivered += 1) });

try {
  await registerPage();
  const threads = Array.from({ length: THREADS }, (_, i) => String(7_000_000 + i));
  await routeEvents(threads, 1, 'warm-up');
  const small = PHASES.has('routing') ? await routeEvents(threads, PER_THREAD, `${THREADS} threads`) : undefined;
  const latency = PHASES.has('passtake') ? await profiled(() => passTakeLatency(threads)) : undefined;
  if (PHASES.has('bigtable')) await fillTable(BIG_TABLE - THREADS);
  const big = PHASES.has('bigtable') ? await routeEvents(threads, PER_THREAD, `${BIG_TABLE} threads in the table`) : undefined;
  report(small, big, latency);
} finally {
  service.kill('SIGTERM');
  await nc.close();
  await db.end();
  await env.cleanup();
}

async function registerPage(): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/pages/${PAGE}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ accessToken: 'bench', defaultOwnerAppId: 'a', apps: [{ appId: 'a', canTake: true }, { appId: 'b', canTake: true }] }),
  });
  if (!response.ok) throw new Error(`page registration failed: ${response.status}`);
}

/** Publishes `perThread` message events to each thread and waits until every one reached both bots. */
async function routeEvents(threads: string[], perThread: number, label: string) {
  const total = threads.length * perThread;
  const target = delivered + total * 2; // owner on messaging + the other bot on standby
  const started = performance.now();
  for (let round = 0; round < perThread; round++) {
    const batch = threads.map((psid) => publish(psid, `${label}-${round}-${psid}`));
    await Promise.all(batch);
  }
  while (delivered < target) await new Promise((resolve) => setTimeout(resolve, 5));
  const seconds = (performance.now() - started) / 1000;
  const perSecond = Math.round(total / seconds);
  console.log(`routing (${label}): ${total} events in ${seconds.toFixed(2)} s = ${perSecond} events/s`);
  return { label, total, seconds, perSecond };
}

function publish(psid: string, mid: string) {
  const envelope: WebhookEventStored = {
    eventId: `message:${mid}`,
    pageId: PAGE,
    psid,
    channel: 'messaging',
    kind: 'message',
    timestamp: Date.now(),
    receivedAt: new Date().toISOString(),
    event: { sender: { id: psid }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid, text: 'hi' } },
  };
  return js.publish(`${env.prefix}.${webhookEventSubject(threadPartition(PAGE, psid))}`, JSON.stringify(envelope), { msgID: envelope.eventId });
}

/** With BENCH_PROFILE, the service's CPU profile covers exactly `phase` (see cpu-profiler.mjs). */
async function profiled<T>(phase: () => Promise<T>): Promise<T> {
  if (!PROFILE) return phase();
  service.kill('SIGWINCH');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const result = await phase();
  service.kill('SIGWINCH');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return result;
}

/** CPU seconds of the service, nats-server and every PostgreSQL process (shared servers: others' work counts too). */
function cpuNow() {
  return { service: cpuSeconds({ pid: service.pid! }), nats: cpuSeconds({ comm: 'nats-server' }), postgres: cpuSeconds({ comm: 'postgres' }) };
}

/** Pass (a → b) and take (a takes back) in turns, each thread touched once every THREADS operations. */
async function passTakeLatency(threads: string[]) {
  const cpuBefore = cpuNow();
  const { latencies, errors, completedPerSecond } = await atFixedRate(RATE, SECONDS, async (i) => {
    const psid = threads[i % threads.length]!;
    const round = Math.floor(i / threads.length);
    const [subject, body] =
      round % 2 === 0 ? [`rpc.a.thread.pass`, { pageId: PAGE, psid, targetAppId: 'b' }] : [`rpc.a.thread.take`, { pageId: PAGE, psid }];
    const reply = (await nc.request(`${env.prefix}.${subject}`, JSON.stringify(body), { timeout: 10_000 })).json<{ ok: boolean }>();
    if (!reply.ok) throw new Error(JSON.stringify(reply));
  });
  const cpuAfter = cpuNow();
  const ops = latencies.length + errors;
  const perOp = (k: keyof typeof cpuAfter) => Math.round(((cpuAfter[k] - cpuBefore[k]) * 1e6) / ops) / 1000;
  const cpuMsPerOp = { service: perOp('service'), nats: perOp('nats'), postgres: perOp('postgres') };
  const summary = { ...summarize(latencies), errors, rate: RATE, seconds: SECONDS, completedPerSecond, cpuMsPerOp };
  console.log(`pass/take at ${RATE}/s: ${JSON.stringify(summary)}`);
  return summary;
}

/** Grows the thread table to the size of a busy Page. */
async function fillTable(extra: number): Promise<void> {
  const started = performance.now();
  await db.query(
    `INSERT INTO thread_ownership.thread (page_id, psid, owner_app_id, owner_since, last_activity_at, expires_at, version)
     SELECT $1, (10000000 + g)::text, 'a', now(), now(), now() + interval '1 day', 1 FROM generate_series(1, $2) g`,
    [PAGE, extra],
  );
  await db.query('ANALYZE thread_ownership.thread');
  console.log(`table filled with ${extra} more threads in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function report(small: { perSecond: number } | undefined, big: { perSecond: number } | undefined, latency: Awaited<ReturnType<typeof passTakeLatency>> | undefined) {
  console.log(`\n| machine | ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} |`);
  if (latency) {
    const cpu = latency.cpuMsPerOp;
    console.log(`| pass/take at ${RATE}/s | p50 ${latency.p50} ms, p99 ${latency.p99} ms, p99.9 ${latency.p999} ms, errors ${latency.errors}, completed ${latency.completedPerSecond}/s |`);
    console.log(`| CPU ms per pass/take | service ${cpu.service}, nats-server ${cpu.nats}, PostgreSQL ${cpu.postgres} |`);
  }
  if (small) console.log(`| routing, ${THREADS} threads | ${small.perSecond} events/s |`);
  if (big) {
    const cost = small ? Math.round((1 - big.perSecond / small.perSecond) * 100) : NaN;
    console.log(`| routing, ${BIG_TABLE} threads in table | ${big.perSecond} events/s (${cost >= 0 ? `-${cost}` : `+${-cost}`} %) |`);
  }
}
