import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { FaultWorld } from '../../test/faults/harness/fault-world.js';
import { NATS_SERVER_BIN } from '../../test/faults/harness/dedicated-nats.js';
import { sleep } from '../../test/faults/harness/processes.js';
import { repoRoot } from '../../test/faults/harness/suite-processes.js';
import { BotProcess } from './bot-processes.js';
import { HostProbe, type HostSignals } from './host-probe-process.js';
import { summarizeProfiles, type ProfileSummary } from './cpu-profile.js';
import { latencyChart, memoryChart } from './charts.js';
import { PacedLoad, type LoadResult } from './paced-load.js';
import { clusterPids, cpuShare, cpuSnapshot, MemorySampler, summarizeMemory, type MemorySeries, type MemorySummary, type Tracked } from './resources.js';
import { fmtMs, summarize, summarizeWindows, type LatencySummary } from './stats.js';

/**
 * End-to-end benchmark (issue 9, part B): signed webhook POST → ingress → JetStream →
 * thread-ownership → bot handler, with two bots (separate processes, the bot SDK) and 10,000
 * active threads split between them, against a dedicated nats-server and PostgreSQL cluster, the
 * suite's four services running as processes from `dist/`.
 *
 * Latency = bot handler time − the event's `timestamp`, which the load generator sets to the
 * event's scheduled send time (same machine clock, ms). Run: `bash bench/e2e/run.sh [flags]`.
 *
 * Flags: --rates 500,1000,2000  --step-seconds 30  --threads 10000
 *        --search 2500,3000,4000,5000 (tried above the fixed rates while every step is sustainable)
 *        --search-down 400,300,200,100 (tried below them when the lowest is not)  --search-seconds 15
 *        --soak-seconds 600  --soak-rate N (default: 1000, or the highest sustainable rate if lower)
 *        --log-level info  --bot-concurrency 8  --out bench/e2e/results
 *        --profile (CPU profiles of the services, top functions printed)  --quick (smoke run)
 *        --nats-gomaxprocs N (default 1 on a machine with 2 cores or fewer, as docs/benchmarks.md
 *        recommends for nats-server sharing such a host with the suite; 0: Go's default)
 */
const PAGE_ID = '4000001';
const TARGET_P99_MS = 25;
/**
 * A step is sustainable when every POST got 200 and the pipeline kept up: everything was
 * delivered within DRAIN_LIMIT_MS of the load stopping (no backlog built up) and p99 stayed
 * under SUSTAINABLE_P99_MS. Otherwise latency only grows with the length of the step.
 */
const DRAIN_LIMIT_MS = 5000;
const SUSTAINABLE_P99_MS = 1000;
/** How long a step may take to drain before the next one starts (a backlog would skew it). */
const DRAIN_TIMEOUT_MS = 600_000;

function flags(): Record<string, string> {
  const out: Record<string, string> = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].replace(/^--/, '').split('=');
    if (inline !== undefined) out[key] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) out[key] = argv[++i];
    else out[key] = 'true';
  }
  return out;
}

const f = flags();
const quick = f.quick === 'true';
const numbers = (value: string | undefined, fallback: number[]) => (value ? value.split(',').map(Number) : fallback);
const config = {
  rates: numbers(f.rates, quick ? [200, 500] : [500, 1000, 2000]),
  stepSeconds: Number(f['step-seconds'] ?? (quick ? 5 : 30)),
  threads: Number(f.threads ?? (quick ? 500 : 10_000)),
  search: f.search === 'false' ? [] : numbers(f.search, quick ? [] : [2500, 3000, 4000, 5000]),
  searchDown: f['search-down'] === 'false' ? [] : numbers(f['search-down'], quick ? [] : [400, 300, 200, 100]),
  searchSeconds: Number(f['search-seconds'] ?? 15),
  soakSeconds: Number(f['soak-seconds'] ?? (quick ? 20 : 600)),
  soakRate: f['soak-rate'] === undefined ? undefined : Number(f['soak-rate']),
  profile: f.profile === 'true',
  logLevel: f['log-level'] ?? 'info',
  botConcurrency: Number(f['bot-concurrency'] ?? 8),
  out: f.out ?? join(repoRoot(), 'bench/e2e/results'),
  warmSeconds: quick ? 3 : 10,
  natsGomaxprocs: Number(f['nats-gomaxprocs'] ?? (os.cpus().length <= 2 ? 1 : 0)),
};

interface StepResult {
  tag: string;
  rate: number;
  durationS: number;
  sent: number;
  accepted: number;
  failedPosts: number;
  achievedRate: number;
  /** Owner-bot deliveries (`messaging`), first delivery of each event. */
  delivered: number;
  redelivered: number;
  standby: number;
  /** From the load stopping until every accepted event reached its owner bot (and the other on standby). */
  drainMs: number;
  /** Events delivered per second over the step and its drain: the pipeline's throughput when it is saturated. */
  deliveredPerSecond: number;
  generatorMaxLagMs: number;
  latency: LatencySummary;
  /** Due time → the event stored for the bot (everything but the bot's own consumer). */
  routedBy?: LatencySummary;
  http: LatencySummary;
  /** The machine's and nats-server's responsiveness during the load (bench/e2e/host-probe.ts). */
  host?: HostSignals;
  /** Cores used by each process during the step (load only, not the drain). */
  cpu: Record<string, number>;
  /**
   * CPU time (ms) the suite (4 services + NATS + PostgreSQL, not the bots or the load generator)
   * spent per delivered event, over the step and its drain: the machine-independent cost. On a
   * dedicated 2-core machine, 2,000 / this is an upper bound on the events per second.
   */
  suiteCpuMsPerEvent: number;
  sustainable: boolean;
}

interface Soak {
  step: StepResult;
  memory: MemorySummary[];
  series: MemorySeries[];
  perMinute: Array<{ minute: number; p50: number; p99: number; count: number }>;
  perTenSeconds: Array<{ second: number; p50: number; p99: number; max: number; count: number }>;
}

/** CPU ms used by the suite's processes (not the bots, the load generator or the host probe) from cores × wall time. */
const suiteCpuMs = (cores: Record<string, number>, wallMs: number) =>
  Object.entries(cores)
    .filter(([name]) => !name.startsWith('bot ') && name !== 'load generator' && name !== 'host probe')
    .reduce((sum, [, c]) => sum + c * wallMs, 0);

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

function capture(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', cwd: repoRoot() }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  // The tree the services were built from (run.sh builds just before): recorded now, not at the end.
  const commit = capture('git', ['rev-parse', '--short', 'HEAD']);
  const uncommittedFiles = capture('git', ['status', '--porcelain']).split('\n').filter(Boolean).length;
  log(`e2e benchmark: ${JSON.stringify(config)}`);
  const profileDir = join(os.tmpdir(), `mho-bench-profiles-${process.pid}`);
  const world = await FaultWorld.start({
    name: 'mho-bench',
    logLevel: config.logLevel,
    natsGomaxprocs: config.natsGomaxprocs || undefined,
    // BENCH_SERVICE_NODE_ARGS: extra flags for the services, e.g. `--import <abs path>/bench/shared/cpu-profiler.mjs`
    // to profile one step only (SIGWINCH starts and stops it).
    nodeArgs: [...(config.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...(process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
  });
  const bots: BotProcess[] = [];
  let probe: HostProbe | undefined;
  const load = new PacedLoad(world.suite.ingressUrl, world.suite.appSecret, PAGE_ID, Array.from({ length: config.threads }, (_, i) => String(7_000_000 + i)));
  const stop = async () => {
    load.close();
    await Promise.allSettled([...bots.map((b) => b.stop()), probe?.stop()]);
    await world.stop();
  };
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
  try {
    const { suite } = world;
    await suite.registerPage(PAGE_ID, { accessToken: `token-${PAGE_ID}`, defaultOwnerAppId: 'alpha', apps: [{ appId: 'alpha' }, { appId: 'beta' }] });
    bots.push(await BotProcess.start('alpha', 'beta', world.nats.url, suite.prefix, config.botConcurrency));
    bots.push(await BotProcess.start('beta', 'alpha', world.nats.url, suite.prefix, config.botConcurrency));
    probe = await HostProbe.start(world.nats.url);
    const hostProbe = probe;
    const tracked: Tracked[] = [
      ...suite.all().map((s): Tracked => ({ name: s.name, pids: () => (s.pid ? [s.pid] : []), memory: 'rss' })),
      { name: 'nats-server', pids: () => (world.nats.pid ? [world.nats.pid] : []), memory: 'rss' },
      { name: 'postgresql (all)', pids: () => clusterPids(world.postgres.pid), memory: 'pss', group: true },
      ...bots.map((b): Tracked => ({ name: `bot ${b.appId}`, pids: () => (b.pid ? [b.pid] : []), memory: 'rss' })),
      { name: 'load generator', pids: () => [process.pid], memory: 'rss' },
      { name: 'host probe', pids: () => (hostProbe.pid ? [hostProbe.pid] : []), memory: 'rss' },
    ];

    const counts = async (tag: string) => {
      const all = [];
      for (const bot of bots) all.push(await bot.count(tag));
      return { messaging: all.reduce((s, c) => s + c.messaging, 0), standby: all.reduce((s, c) => s + c.standby, 0), passes: all.reduce((s, c) => s + c.passes, 0) };
    };
    const drain = async (tag: string, expected: number, timeoutMs: number) => {
      const started = Date.now();
      let reported = started;
      while (Date.now() - started < timeoutMs) {
        const c = await counts(tag);
        if (c.messaging >= expected && c.standby >= expected) return Date.now() - started;
        if (Date.now() - reported > 30_000) {
          reported = Date.now();
          log(`  draining ${tag}: ${c.messaging}/${expected} delivered after ${((reported - started) / 1000).toFixed(0)} s`);
        }
        await sleep(50);
      }
      return Date.now() - started;
    };

    // 1. Every thread exists: one message each, and every other thread is passed to the second bot.
    log(`creating ${config.threads} threads (one message each; even ones passed alpha → beta)`);
    const createRate = Math.min(500, config.threads);
    const create = await load.run({ tag: 'create', rate: createRate, durationMs: (config.threads / createRate) * 1000, text: (i) => (i % 2 === 0 ? 'pass' : 'keep') });
    await drain('create', create.ok, DRAIN_TIMEOUT_MS);
    const passStarted = Date.now();
    while ((await counts('create')).passes < Math.floor(config.threads / 2) && Date.now() - passStarted < DRAIN_TIMEOUT_MS) await sleep(200);
    log(`threads created: ${create.ok} accepted, ${(await counts('create')).passes} passed to beta`);

    // 2. JIT / pools warm-up, not measured.
    const warm = await load.run({ tag: 'warm', rate: 200, durationMs: config.warmSeconds * 1000 });
    await drain('warm', warm.ok, DRAIN_TIMEOUT_MS);

    const runStep = async (tag: string, rate: number, seconds: number): Promise<StepResult> => {
      const before = cpuSnapshot(tracked);
      const wallStart = Date.now();
      const result: LoadResult = await load.run({ tag, rate, durationMs: seconds * 1000 });
      const cpu = cpuShare(before, cpuSnapshot(tracked), Date.now() - wallStart);
      const host = await hostProbe.take(wallStart, Date.now());
      const drainMs = await drain(tag, result.ok, DRAIN_TIMEOUT_MS);
      const whole = cpuShare(before, cpuSnapshot(tracked), Date.now() - wallStart);
      const taken = [];
      for (const bot of bots) taken.push(await bot.take(tag));
      const latencies = taken.flatMap((t) => t.latency);
      const latency = summarize(latencies);
      const routedBy = summarize(taken.flatMap((t) => t.routed));
      const http = summarize(result.httpMs);
      const delivered = latencies.length;
      const step: StepResult = {
        tag,
        rate,
        durationS: seconds,
        sent: result.sent,
        accepted: result.ok,
        failedPosts: result.failed,
        achievedRate: result.achievedRate,
        delivered,
        redelivered: taken.reduce((s, t) => s + t.redelivered, 0),
        standby: taken.reduce((s, t) => s + t.standby, 0),
        drainMs,
        deliveredPerSecond: delivered / (seconds + drainMs / 1000),
        generatorMaxLagMs: result.maxLagMs,
        latency,
        routedBy,
        http,
        host,
        cpu,
        suiteCpuMsPerEvent: suiteCpuMs(whole, Date.now() - wallStart) / Math.max(1, delivered),
        sustainable: result.failed === 0 && delivered >= result.ok && drainMs <= DRAIN_LIMIT_MS && latency.p99 < SUSTAINABLE_P99_MS,
      };
      log(
        `${tag}: ${rate}/s offered, ${result.achievedRate.toFixed(0)}/s sent, ${result.ok}/${result.sent} accepted, ${delivered} delivered (+${step.redelivered} redelivered), ` +
          `${step.deliveredPerSecond.toFixed(0)}/s delivered incl. drain, suite CPU ${step.suiteCpuMsPerEvent.toFixed(2)} ms/event; latency p50 ${fmtMs(latency.p50)} p99 ${fmtMs(latency.p99)} p99.9 ${fmtMs(latency.p999)} ` +
          `max ${fmtMs(latency.max)} ms (stored for the bot by p50 ${fmtMs(routedBy.p50)} p99 ${fmtMs(routedBy.p99)} ms), drain ${drainMs} ms, HTTP p50 ${fmtMs(http.p50)} p99 ${fmtMs(http.p99)} ms, gen lag ${result.maxLagMs.toFixed(0)} ms, sustainable: ${step.sustainable}`,
      );
      log(`  host probe: wake-up late p50 ${fmtMs(host.wakeLateMs.p50)} p99 ${fmtMs(host.wakeLateMs.p99)} max ${fmtMs(host.wakeLateMs.max)} ms; nats-server PING p50 ${fmtMs(host.brokerPingMs.p50)} p99 ${fmtMs(host.brokerPingMs.p99)} max ${fmtMs(host.brokerPingMs.max)} ms`);
      log(`  cpu (cores): ${Object.entries(cpu).map(([n, c]) => `${n} ${c.toFixed(2)}`).join(', ')}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
      await sleep(2000);
      return step;
    };

    // 3. Fixed rates, each fully drained before the next.
    const steps: StepResult[] = [];
    for (const rate of config.rates) steps.push(await runStep(`fixed-${rate}`, rate, config.stepSeconds));

    // 4. Highest sustainable rate: up from the fixed rates while they hold, else down below them.
    const search: StepResult[] = [];
    if (steps.every((s) => s.sustainable)) {
      for (const rate of config.search.filter((r) => r > Math.max(...config.rates))) {
        const step = await runStep(`search-${rate}`, rate, config.searchSeconds);
        search.push(step);
        if (!step.sustainable) break;
      }
    } else if (!steps.some((s) => s.sustainable)) {
      for (const rate of config.searchDown.filter((r) => r < Math.min(...config.rates))) {
        const step = await runStep(`search-${rate}`, rate, config.searchSeconds);
        search.push(step);
        if (step.sustainable) break;
      }
    }
    const ladder = [...steps, ...search].sort((a, b) => a.rate - b.rate);
    const firstFailure = ladder.find((s) => !s.sustainable);
    const maxSustainable = Math.max(0, ...ladder.filter((s) => s.sustainable && (!firstFailure || s.rate < firstFailure.rate)).map((s) => s.rate));
    log(`highest sustainable rate tried: ${maxSustainable}/s`);

    // 5. Soak: memory of every process at a steady rate (1,000/s, or the highest sustainable rate if lower).
    let soak: Soak | undefined;
    const soakRate = config.soakRate ?? (maxSustainable > 0 ? Math.min(1000, maxSustainable) : 1000);
    if (config.soakSeconds > 0) {
      log(`soak: ${soakRate}/s for ${config.soakSeconds} s, memory sampled every 5 s`);
      const sampler = new MemorySampler(tracked);
      sampler.start(5000);
      const before = cpuSnapshot(tracked);
      const wallStart = Date.now();
      const result = await load.run({ tag: 'soak', rate: soakRate, durationMs: config.soakSeconds * 1000 });
      const cpu = cpuShare(before, cpuSnapshot(tracked), Date.now() - wallStart);
      const host = await hostProbe.take(wallStart, Date.now());
      const drainMs = await drain('soak', result.ok, DRAIN_TIMEOUT_MS);
      const whole = cpuShare(before, cpuSnapshot(tracked), Date.now() - wallStart);
      const series = sampler.stop();
      const taken = [];
      for (const bot of bots) taken.push(await bot.take('soak'));
      const latencies = taken.flatMap((t) => t.latency);
      const at = taken.flatMap((t) => t.at);
      const soakMs = config.soakSeconds * 1000;
      const perMinute: Soak['perMinute'] = summarizeWindows(latencies, at, wallStart, soakMs, 60_000).map((s, minute) => ({ minute, p50: s.p50, p99: s.p99, count: s.count }));
      // Finer grain for finding periodic stalls (a checkpoint, a GC): kept in the JSON only.
      const perTenSeconds: Soak['perTenSeconds'] = summarizeWindows(latencies, at, wallStart, soakMs, 10_000).map((s, i) => ({ second: i * 10, p50: s.p50, p99: s.p99, max: s.max, count: s.count }));
      const latency = summarize(latencies);
      const step: StepResult = {
        tag: 'soak',
        rate: soakRate,
        durationS: config.soakSeconds,
        sent: result.sent,
        accepted: result.ok,
        failedPosts: result.failed,
        achievedRate: result.achievedRate,
        delivered: latencies.length,
        redelivered: taken.reduce((s, t) => s + t.redelivered, 0),
        standby: taken.reduce((s, t) => s + t.standby, 0),
        drainMs,
        deliveredPerSecond: latencies.length / (config.soakSeconds + drainMs / 1000),
        generatorMaxLagMs: result.maxLagMs,
        latency,
        http: summarize(result.httpMs),
        host,
        cpu,
        suiteCpuMsPerEvent: suiteCpuMs(whole, Date.now() - wallStart) / Math.max(1, latencies.length),
        sustainable: result.failed === 0 && latencies.length >= result.ok && drainMs <= DRAIN_LIMIT_MS,
      };
      soak = { step, memory: summarizeMemory(series), series, perMinute, perTenSeconds };
      log(`soak done: ${result.ok}/${result.sent} accepted, ${latencies.length} delivered, p50 ${fmtMs(latency.p50)} p99 ${fmtMs(latency.p99)} ms, drain ${drainMs} ms`);
      for (const m of soak.memory) log(`  ${m.name}: ${m.memory} start ${m.startMb.toFixed(0)} MB, end ${m.endMb.toFixed(0)} MB, max ${m.maxMb.toFixed(0)} MB`);
    }

    // 6. CPU profiles (written by each service when it exits).
    let profiles: Array<ProfileSummary & { service: string }> = [];
    if (config.profile) {
      const pids = new Map(suite.all().map((s) => [String(s.pid), s.name]));
      for (const service of suite.all()) await service.child.kill('SIGTERM', 15_000);
      profiles = summarizeProfiles(profileDir).map((p) => ({ ...p, service: pids.get(p.pid) ?? `pid ${p.pid}` }));
      for (const p of profiles) {
        log(`profile ${p.service}: ${(p.busyMs / 1000).toFixed(1)} s busy; by package: ${p.byPackage.map(([k, v]) => `${k} ${(v * 100).toFixed(0)}%`).join(', ')}`);
        log(`  top functions: ${p.byFunction.slice(0, 8).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join('; ')}`);
      }
    }

    const machine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      kernel: os.release(),
      node: process.version,
      nats: capture(NATS_SERVER_BIN, ['--version']),
      postgres: capture('postgres', ['--version']),
      commit,
      uncommittedFiles,
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
    };
    const results: Results = { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine, config, steps, search, maxSustainable, targetP99Ms: TARGET_P99_MS, soak, profiles };
    mkdirSync(config.out, { recursive: true });
    writeFileSync(join(config.out, 'e2e-latest.json'), JSON.stringify(results, null, 1));
    writeFileSync(join(config.out, 'e2e-latency.svg'), latencyChart(ladder.map((s) => ({ rate: s.rate, ...s.latency })), TARGET_P99_MS, `Webhook POST → bot handler latency (2 bots, ${config.threads.toLocaleString('en-US')} threads)`));
    if (soak) writeFileSync(join(config.out, 'e2e-memory.svg'), memoryChart(soak.series.filter((s) => s.name !== 'load generator' && s.name !== 'host probe'), `Memory during the soak (${soakRate}/s, ${config.soakSeconds} s)`));
    writeFileSync(join(config.out, 'e2e-latest.md'), markdown(results));
    log(`results: ${join(config.out, 'e2e-latest.json')} (+ .md, e2e-latency.svg${soak ? ', e2e-memory.svg' : ''})`);
    console.log(`\n${markdown(results)}`);
  } finally {
    await stop();
    if (process.env.BENCH_KEEP_PROFILES !== '1') rmSync(profileDir, { recursive: true, force: true });
    else if (config.profile) log(`profiles kept in ${profileDir}`);
  }
}

interface Results {
  startedAt: string;
  finishedAt: string;
  machine: Record<string, unknown>;
  config: typeof config;
  steps: StepResult[];
  search: StepResult[];
  maxSustainable: number;
  targetP99Ms: number;
  soak?: Soak;
  profiles: Array<ProfileSummary & { service: string }>;
}

function markdown(r: Results): string {
  const row = (s: StepResult) =>
    `| ${s.rate.toLocaleString('en-US')} | ${s.durationS} s | ${s.achievedRate.toFixed(0)} | ${s.accepted}/${s.sent} | ${s.delivered} | ${s.redelivered} | ${s.deliveredPerSecond.toFixed(0)} | ${fmtMs(s.latency.p50)} | ${fmtMs(s.latency.p90)} | ${fmtMs(s.latency.p99)} | ${fmtMs(s.latency.p999)} | ${fmtMs(s.latency.max)} | ${fmtMs(s.http.p50)} / ${fmtMs(s.http.p99)} | ${s.host ? `${fmtMs(s.host.wakeLateMs.p99)} / ${fmtMs(s.host.brokerPingMs.p99)}` : '-'} | ${(s.drainMs / 1000).toFixed(1)} s | ${s.suiteCpuMsPerEvent.toFixed(2)} | ${s.sustainable ? 'yes' : 'no'} |`;
  const allSteps = [...r.steps, ...r.search].sort((a, b) => a.rate - b.rate);
  const cpuNames = Object.keys(r.steps[0]?.cpu ?? {});
  const lines = [
    `Run ${r.startedAt} → ${r.finishedAt}; machine ${JSON.stringify(r.machine)}`,
    '',
    '| offered events/s | duration | sent/s | accepted/sent | delivered (messaging) | redelivered | delivered/s incl. drain | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | HTTP p50 / p99 ms | host: wake-up late / nats PING p99 ms | drain | suite CPU ms/event | sustainable |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:--|',
    ...allSteps.map(row),
    '',
    `Highest sustainable rate tried: ${r.maxSustainable.toLocaleString('en-US')} events/s.`,
    '',
    'CPU (cores) per process during each step:',
    '',
    `| step | ${cpuNames.join(' | ')} | total |`,
    `|---|${cpuNames.map(() => '---:').join('|')}|---:|`,
    ...[...allSteps, ...(r.soak ? [r.soak.step] : [])].map(
      (s) => `| ${s.tag} | ${Object.values(s.cpu).map((c) => c.toFixed(2)).join(' | ')} | ${Object.values(s.cpu).reduce((a, b) => a + b, 0).toFixed(2)} |`,
    ),
  ];
  if (r.soak) {
    const s = r.soak.step;
    lines.push('', `Soak: ${s.rate}/s for ${s.durationS} s: ${s.accepted}/${s.sent} accepted, ${s.delivered} delivered, drain ${(s.drainMs / 1000).toFixed(1)} s; p50 ${fmtMs(s.latency.p50)} ms, p99 ${fmtMs(s.latency.p99)} ms, p99.9 ${fmtMs(s.latency.p999)} ms.`, '');
    lines.push('| process | measure | start MB | end MB | max MB |', '|---|---|---:|---:|---:|');
    for (const m of r.soak.memory) lines.push(`| ${m.name} | ${m.memory.toUpperCase()} | ${m.startMb.toFixed(0)} | ${m.endMb.toFixed(0)} | ${m.maxMb.toFixed(0)} |`);
    lines.push('', '| soak minute | events | p50 ms | p99 ms |', '|---:|---:|---:|---:|');
    for (const m of r.soak.perMinute) lines.push(`| ${m.minute + 1} | ${m.count} | ${fmtMs(m.p50)} | ${fmtMs(m.p99)} |`);
  }
  for (const p of r.profiles) {
    lines.push('', `CPU profile of ${p.service} (${(p.busyMs / 1000).toFixed(1)} s busy): ${p.byPackage.map(([k, v]) => `${k} ${(v * 100).toFixed(0)}%`).join(', ')}`);
  }
  return lines.join('\n');
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(`e2e benchmark failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
}
