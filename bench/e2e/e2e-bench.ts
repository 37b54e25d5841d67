import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { FaultWorld } from '../../test/faults/harness/fault-world.js';
import { NATS_SERVER_BIN } from '../../test/faults/harness/dedicated-nats.js';
import { sleep } from '../../test/faults/harness/processes.js';
import { repoRoot } from '../../test/faults/harness/suite-processes.js';
import { BotProcess } from './bot-processes.js';
import { latencyChart, memoryChart } from './charts.js';
import { PacedLoad, type LoadResult } from './paced-load.js';
import { clusterPids, cpuShare, cpuSnapshot, MemorySampler, summarizeMemory, type MemorySummary, type Tracked } from './resources.js';
import { fmtMs, summarize, type LatencySummary } from './stats.js';

/**
 * End-to-end benchmark (issue 9, part B): signed webhook POST → ingress → JetStream →
 * thread-ownership → bot handler, with two bots (separate processes, the bot SDK) and 10,000
 * active threads split between them, against a dedicated nats-server and PostgreSQL cluster, the
 * suite's four services running as processes from `dist/`.
 *
 * Latency = bot handler time − the event's `timestamp`, which the load generator sets to the
 * event's scheduled send time (same machine clock, ms). Run: `bash bench/e2e/run.sh [flags]`.
 *
 * Flags: --rates 500,1000,2000  --step-seconds 30  --threads 10000  --search 2500,3000,4000,5000
 *        --search-seconds 15  --soak-seconds 600  --soak-rate 1000  --log-level info
 *        --bot-concurrency 8  --out bench/e2e/results  --quick (a 1-minute smoke run)
 */
const PAGE_ID = '4000001';
const TARGET_P99_MS = 25;
/** A step is sustainable when every POST got 200, everything was delivered within this after the load stopped, and p99 stayed under the bound. */
const DRAIN_LIMIT_MS = 5000;
const SUSTAINABLE_P99_MS = 1000;

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
  searchSeconds: Number(f['search-seconds'] ?? 15),
  soakSeconds: Number(f['soak-seconds'] ?? (quick ? 20 : 600)),
  soakRate: Number(f['soak-rate'] ?? (quick ? 200 : 1000)),
  logLevel: f['log-level'] ?? 'info',
  botConcurrency: Number(f['bot-concurrency'] ?? 8),
  out: f.out ?? join(repoRoot(), 'bench/e2e/results'),
  warmSeconds: quick ? 3 : 10,
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
  drainMs: number;
  generatorMaxLagMs: number;
  latency: LatencySummary;
  http: LatencySummary;
  /** Cores used by each process during the step. */
  cpu: Record<string, number>;
  sustainable: boolean;
}

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

function version(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).trim().split('\n')[0];
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  log(`e2e benchmark: ${JSON.stringify(config)}`);
  const world = await FaultWorld.start({ name: 'mho-bench', logLevel: config.logLevel });
  const bots: BotProcess[] = [];
  const load = new PacedLoad(world.suite.ingressUrl, world.suite.appSecret, PAGE_ID, Array.from({ length: config.threads }, (_, i) => String(7_000_000 + i)));
  const stop = async () => {
    load.close();
    await Promise.allSettled(bots.map((b) => b.stop()));
    await world.stop();
  };
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
  try {
    const { suite } = world;
    await suite.registerPage(PAGE_ID, { accessToken: `token-${PAGE_ID}`, defaultOwnerAppId: 'alpha', apps: [{ appId: 'alpha' }, { appId: 'beta' }] });
    bots.push(await BotProcess.start('alpha', 'beta', world.nats.url, suite.prefix, config.botConcurrency));
    bots.push(await BotProcess.start('beta', 'alpha', world.nats.url, suite.prefix, config.botConcurrency));
    const tracked: Tracked[] = [
      ...suite.all().map((s): Tracked => ({ name: s.name, pids: () => (s.pid ? [s.pid] : []), memory: 'rss' })),
      { name: 'nats-server', pids: () => (world.nats.pid ? [world.nats.pid] : []), memory: 'rss' },
      { name: 'postgresql (all)', pids: () => clusterPids(world.postgres.pid), memory: 'pss' },
      ...bots.map((b): Tracked => ({ name: `bot ${b.appId}`, pids: () => (b.pid ? [b.pid] : []), memory: 'rss' })),
      { name: 'load generator', pids: () => [process.pid], memory: 'rss' },
    ];

    const counts = async (tag: string) => {
      const all = await Promise.all(bots.map((b) => b.count(tag)));
      return { messaging: all.reduce((s, c) => s + c.messaging, 0), standby: all.reduce((s, c) => s + c.standby, 0), passes: all.reduce((s, c) => s + c.passes, 0) };
    };
    const drain = async (tag: string, expected: number, timeoutMs: number) => {
      const started = Date.now();
      while (Date.now() - started < timeoutMs) {
        const c = await counts(tag);
        if (c.messaging >= expected && c.standby >= expected) return Date.now() - started;
        await sleep(50);
      }
      return Date.now() - started;
    };

    // 1. Every thread exists: one message each, and every other thread is passed to the second bot.
    log(`creating ${config.threads} threads (one message each; even ones passed alpha → beta)`);
    const create = await load.run({ tag: 'create', rate: Math.min(1000, config.threads), durationMs: (config.threads / Math.min(1000, config.threads)) * 1000, text: (i) => (i % 2 === 0 ? 'pass' : 'keep') });
    await drain('create', create.ok, 120_000);
    const passStarted = Date.now();
    while ((await counts('create')).passes < Math.floor(config.threads / 2) && Date.now() - passStarted < 120_000) await sleep(200);
    log(`threads created: ${create.ok} accepted, ${(await counts('create')).passes} passed to beta`);

    // 2. JIT / pools warm-up, not measured.
    const warm = await load.run({ tag: 'warm', rate: 500, durationMs: config.warmSeconds * 1000 });
    await drain('warm', warm.ok, 60_000);

    const runStep = async (tag: string, rate: number, seconds: number): Promise<StepResult> => {
      const before = cpuSnapshot(tracked);
      const wallStart = Date.now();
      const result: LoadResult = await load.run({ tag, rate, durationMs: seconds * 1000 });
      const cpu = cpuShare(before, cpuSnapshot(tracked), Date.now() - wallStart);
      const drainMs = await drain(tag, result.ok, 60_000);
      const taken = await Promise.all(bots.map((b) => b.take(tag)));
      const latencies = taken.flatMap((t) => t.latency);
      const latency = summarize(latencies);
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
        generatorMaxLagMs: result.maxLagMs,
        latency,
        http,
        cpu,
        sustainable: result.failed === 0 && delivered >= result.ok && drainMs <= DRAIN_LIMIT_MS && latency.p99 < SUSTAINABLE_P99_MS,
      };
      log(
        `${tag}: ${rate}/s offered, ${result.achievedRate.toFixed(0)}/s sent, ${result.ok}/${result.sent} accepted, ${delivered} delivered (+${step.redelivered} redelivered), ` +
          `latency p50 ${fmtMs(latency.p50)} p99 ${fmtMs(latency.p99)} p99.9 ${fmtMs(latency.p999)} max ${fmtMs(latency.max)} ms, drain ${drainMs} ms, ` +
          `HTTP p99 ${fmtMs(http.p99)} ms, gen lag ${result.maxLagMs.toFixed(0)} ms, sustainable: ${step.sustainable}`,
      );
      log(`  cpu (cores): ${Object.entries(cpu).map(([n, c]) => `${n} ${c.toFixed(2)}`).join(', ')}`);
      return step;
    };

    // 3. Fixed rates.
    const steps: StepResult[] = [];
    for (const rate of config.rates) {
      steps.push(await runStep(`fixed-${rate}`, rate, config.stepSeconds));
      await sleep(2000);
    }

    // 4. Highest sustainable rate: the fixed rates, then higher ones until one is not sustainable.
    const search: StepResult[] = [];
    if (steps.every((s) => s.sustainable)) {
      for (const rate of config.search.filter((r) => r > Math.max(...config.rates))) {
        const step = await runStep(`search-${rate}`, rate, config.searchSeconds);
        search.push(step);
        await sleep(3000);
        if (!step.sustainable) break;
      }
    }
    const ladder = [...steps, ...search].sort((a, b) => a.rate - b.rate);
    const firstFailure = ladder.find((s) => !s.sustainable);
    const maxSustainable = Math.max(0, ...ladder.filter((s) => s.sustainable && (!firstFailure || s.rate < firstFailure.rate)).map((s) => s.rate));

    // 5. Soak: memory of every process at a steady rate.
    let soak: { step: StepResult; memory: MemorySummary[]; series: ReturnType<MemorySampler['stop']>; perMinute: Array<{ minute: number; p50: number; p99: number; count: number }> } | undefined;
    if (config.soakSeconds > 0) {
      log(`soak: ${config.soakRate}/s for ${config.soakSeconds} s, memory sampled every 5 s`);
      const sampler = new MemorySampler(tracked);
      sampler.start(5000);
      const before = cpuSnapshot(tracked);
      const wallStart = Date.now();
      const result = await load.run({ tag: 'soak', rate: config.soakRate, durationMs: config.soakSeconds * 1000 });
      const cpu = cpuShare(before, cpuSnapshot(tracked), Date.now() - wallStart);
      const drainMs = await drain('soak', result.ok, 60_000);
      const series = sampler.stop();
      const taken = await Promise.all(bots.map((b) => b.take('soak')));
      const latencies = taken.flatMap((t) => t.latency);
      const at = taken.flatMap((t) => t.at);
      const perMinute: Array<{ minute: number; p50: number; p99: number; count: number }> = [];
      for (let minute = 0; minute * 60_000 < config.soakSeconds * 1000; minute++) {
        const window = latencies.filter((_, i) => at[i] - wallStart >= minute * 60_000 && at[i] - wallStart < (minute + 1) * 60_000);
        const s = summarize(window);
        perMinute.push({ minute, p50: s.p50, p99: s.p99, count: s.count });
      }
      const latency = summarize(latencies);
      const step: StepResult = {
        tag: 'soak',
        rate: config.soakRate,
        durationS: config.soakSeconds,
        sent: result.sent,
        accepted: result.ok,
        failedPosts: result.failed,
        achievedRate: result.achievedRate,
        delivered: latencies.length,
        redelivered: taken.reduce((s, t) => s + t.redelivered, 0),
        standby: taken.reduce((s, t) => s + t.standby, 0),
        drainMs,
        generatorMaxLagMs: result.maxLagMs,
        latency,
        http: summarize(result.httpMs),
        cpu,
        sustainable: result.failed === 0 && latencies.length >= result.ok,
      };
      soak = { step, memory: summarizeMemory(series), series, perMinute };
      log(`soak done: ${result.ok}/${result.sent} accepted, ${latencies.length} delivered, p50 ${fmtMs(latency.p50)} p99 ${fmtMs(latency.p99)} ms`);
      for (const m of soak.memory) log(`  ${m.name}: ${m.memory} start ${m.startMb.toFixed(0)} MB, end ${m.endMb.toFixed(0)} MB, max ${m.maxMb.toFixed(0)} MB`);
    }

    const machine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      kernel: os.release(),
      node: process.version,
      nats: version(NATS_SERVER_BIN, ['--version']),
      postgres: version('postgres', ['--version']),
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
    };
    const results = { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine, config, steps, search, maxSustainable, targetP99Ms: TARGET_P99_MS, soak };
    mkdirSync(config.out, { recursive: true });
    writeFileSync(join(config.out, 'e2e-latest.json'), JSON.stringify(results, null, 1));
    writeFileSync(join(config.out, 'e2e-latency.svg'), latencyChart(ladder.map((s) => ({ rate: s.rate, ...s.latency })), TARGET_P99_MS, 'Webhook POST → bot handler latency (2 bots, 10,000 threads)'));
    if (soak) writeFileSync(join(config.out, 'e2e-memory.svg'), memoryChart(soak.series.filter((s) => s.name !== 'load generator'), `Memory during the soak (${config.soakRate}/s, ${config.soakSeconds} s)`));
    writeFileSync(join(config.out, 'e2e-latest.md'), markdown(results));
    log(`results: ${join(config.out, 'e2e-latest.json')} (+ .md, e2e-latency.svg${soak ? ', e2e-memory.svg' : ''})`);
    console.log(`\n${markdown(results)}`);
  } finally {
    await stop();
  }
}

function markdown(r: {
  startedAt: string;
  machine: Record<string, unknown>;
  config: typeof config;
  steps: StepResult[];
  search: StepResult[];
  maxSustainable: number;
  soak?: { step: StepResult; memory: MemorySummary[]; perMinute: Array<{ minute: number; p50: number; p99: number; count: number }> };
}): string {
  const row = (s: StepResult) =>
    `| ${s.rate.toLocaleString('en-US')} | ${s.durationS} s | ${s.achievedRate.toFixed(0)} | ${s.accepted}/${s.sent} | ${s.delivered} | ${s.redelivered} | ${fmtMs(s.latency.p50)} | ${fmtMs(s.latency.p90)} | ${fmtMs(s.latency.p99)} | ${fmtMs(s.latency.p999)} | ${fmtMs(s.latency.max)} | ${fmtMs(s.http.p99)} | ${(s.drainMs / 1000).toFixed(1)} s | ${s.sustainable ? 'yes' : 'no'} |`;
  const lines = [
    `Run ${r.startedAt}; ${JSON.stringify(r.machine)}`,
    '',
    '| offered events/s | duration | sent/s | accepted/sent | delivered (messaging) | redelivered | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | HTTP p99 ms | drain | sustainable |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:--|',
    ...[...r.steps, ...r.search].map(row),
    '',
    `Highest sustainable rate tried: ${r.maxSustainable.toLocaleString('en-US')} events/s.`,
    '',
    'CPU (cores) per process during each step:',
    '',
    `| step | ${Object.keys(r.steps[0]?.cpu ?? {}).join(' | ')} |`,
    `|---|${Object.keys(r.steps[0]?.cpu ?? {}).map(() => '---:').join('|')}|`,
    ...[...r.steps, ...r.search, ...(r.soak ? [r.soak.step] : [])].map((s) => `| ${s.tag} | ${Object.values(s.cpu).map((c) => c.toFixed(2)).join(' | ')} |`),
  ];
  if (r.soak) {
    lines.push('', `Soak: ${r.soak.step.rate}/s for ${r.soak.step.durationS} s: ${r.soak.step.accepted}/${r.soak.step.sent} accepted, ${r.soak.step.delivered} delivered; p50 ${fmtMs(r.soak.step.latency.p50)} ms, p99 ${fmtMs(r.soak.step.latency.p99)} ms, p99.9 ${fmtMs(r.soak.step.latency.p999)} ms.`, '');
    lines.push('| process | measure | start MB | end MB | max MB |', '|---|---|---:|---:|---:|');
    for (const m of r.soak.memory) lines.push(`| ${m.name} | ${m.memory.toUpperCase()} | ${m.startMb.toFixed(0)} | ${m.endMb.toFixed(0)} | ${m.maxMb.toFixed(0)} |`);
    lines.push('', '| soak minute | events | p50 ms | p99 ms |', '|---:|---:|---:|---:|');
    for (const m of r.soak.perMinute) lines.push(`| ${m.minute + 1} | ${m.count} | ${fmtMs(m.p50)} | ${fmtMs(m.p99)} |`);
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
