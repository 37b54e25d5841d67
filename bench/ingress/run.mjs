// Ingress benchmark (not a test). Plain ESM JS, imports nothing from TS. Run from the repo root:
//   node bench/ingress/run.mjs
// Builds the ingress with SWC (skip: BENCH_SKIP_BUILD=1), starts it from dist/ and a bare
// node:http HMAC-checking server as child processes, drives both with autocannon and prints
// req/s and p50/p99. Uses the local NATS with a unique prefix and deletes its streams after.
// Knobs: BENCH_DURATION_S (8), BENCH_ROUNDS (3), BENCH_LOG_LEVEL (info, the production default),
// BENCH_SKIP_BUILD=1, NATS_URL, BENCH_INGRESS_MAIN (the ingress' main.js to run, default this
// repo's dist/; set, nothing is built). Takes about 3.5 minutes with the defaults.
// Besides req/s and latency, each run prints the CPU per request of the server, of nats-server
// and of autocannon (this process), and how many cores other processes used meanwhile: req/s
// swings with other work on a shared machine, CPU per request hardly does.
// Profiling: bench/ingress/profile.mjs.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { signedBatch } from './batches.mjs';
import { freePort, ingressEnv, waitUntilUp } from './ingress-process.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
/** Another build of the ingress can be measured instead (e.g. an older commit's, for before/after). */
const INGRESS_MAIN = process.env.BENCH_INGRESS_MAIN ?? `${ROOT}dist/apps/ingress/src/main.js`;
const SECRET = 'bench-app-secret';
const DURATION = Number(process.env.BENCH_DURATION_S ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const PREFIX = `bench${randomBytes(4).toString('hex')}`;
const children = [];

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** The pid of the nats-server behind NATS_URL (read-only: to measure the CPU JetStream spends for us). */
function natsServerPid() {
  const port = new URL(NATS_URL).port || '4222';
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('nats-server') && args.includes(port)) return pid;
    } catch {}
  }
  return undefined;
}

/** CPU seconds the whole machine spent busy so far (all cores, from /proc/stat): to see what else ran. */
function machineBusySeconds() {
  try {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds of this process (autocannon runs in it: the load generator's own cost). */
const ownCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

const loadAverage = () => os.loadavg()[0].toFixed(1);

function build() {
  if ((process.env.BENCH_SKIP_BUILD === '1' || process.env.BENCH_INGRESS_MAIN) && existsSync(INGRESS_MAIN)) return;
  // Same SWC pass as the repo build (`npx swc apps libs -d dist`), limited to what the ingress needs.
  execFileSync('npx', ['swc', 'apps/ingress', 'libs', '-d', 'dist'], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(INGRESS_MAIN)) throw new Error(`build did not produce ${INGRESS_MAIN}`);
}

function start(script, env) {
  const child = spawn(process.execPath, [script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

async function startIngress() {
  const port = await freePort();
  const child = start(INGRESS_MAIN, ingressEnv({ port, natsUrl: NATS_URL, prefix: PREFIX, appSecret: SECRET }));
  await waitUntilUp(`http://127.0.0.1:${port}/health`, 'ingress');
  return { url: `http://127.0.0.1:${port}`, pid: child.pid };
}

async function startBare() {
  const port = await freePort();
  const child = start(`${ROOT}bench/ingress/bare-server.mjs`, { PORT: String(port), META_APP_SECRET: SECRET });
  await waitUntilUp(`http://127.0.0.1:${port}/`, 'bare server');
  return { url: `http://127.0.0.1:${port}`, pid: child.pid };
}

const NATS_PID = natsServerPid();

/**
 * One autocannon run; every request gets a freshly built and signed batch. Also measures the CPU
 * the server (and the NATS server) spent per request: unlike req/s, that number barely moves
 * when other work shares the machine.
 */
async function load(server, { events, connections, rate, duration = DURATION }) {
  const cpuBefore = [cpuSeconds(server.pid), cpuSeconds(NATS_PID), ownCpuSeconds(), machineBusySeconds()];
  const started = performance.now();
  const result = await autocannon({
    url: `${server.url}/webhook`,
    connections,
    duration,
    ...(rate ? { overallRate: rate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { body, signature } = signedBatch(events, SECRET);
          return { ...request, body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } };
        },
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  const [serverCpu, natsCpu, ownCpu, machineCpu] = [
    cpuSeconds(server.pid) - cpuBefore[0],
    cpuSeconds(NATS_PID) - cpuBefore[1],
    ownCpuSeconds() - cpuBefore[2],
    machineBusySeconds() - cpuBefore[3],
  ];
  const total = result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total,
    bad: result.non2xx + result.errors + result.timeouts,
    cpuUs: (1e6 * serverCpu) / total,
    natsCpuUs: (1e6 * natsCpu) / total,
    loaderCpuUs: (1e6 * ownCpu) / total,
    /** Cores busy with anything but this server, NATS and the load generator (other sessions' work). */
    otherCores: (machineCpu - serverCpu - natsCpu - ownCpu) / seconds,
    load: loadAverage(),
  };
}

const fmt = (r) =>
  `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(3)} ms  ` +
  `CPU/req ${r.cpuUs.toFixed(0).padStart(4)} µs (+ nats-server ${r.natsCpuUs.toFixed(0).padStart(4)} µs, autocannon ${r.loaderCpuUs.toFixed(0).padStart(3)} µs)  ` +
  `[${r.total} req, ${r.bad} not 2xx, load ${r.load}, other processes ${r.otherCores.toFixed(2)} cores]`;

/**
 * The req/s the CPU alone allows: the server is one thread (at most one core), and the server,
 * nats-server and autocannon share the machine's cores. Measured µs per request in, req/s out;
 * the ratio of two ceilings is what an otherwise idle machine would show.
 */
function cpuCeiling(r) {
  const cores = os.cpus().length;
  return Math.min(1e6 / r.cpuUs, (cores * 1e6) / (r.cpuUs + r.natsCpuUs + r.loaderCpuUs));
}

async function deleteStreams() {
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  for await (const name of jsm.streams.names()) if (name.startsWith(`${PREFIX.toUpperCase()}_`)) await jsm.streams.delete(name);
  await nc.close();
}

/** Interleaves the two servers round by round, so a burst of outside load hits both alike. */
async function compare(bare, ingress, options) {
  const best = { bare: undefined, ingress: undefined };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, server] of [['bare', bare], ['ingress', ingress]]) {
      const result = await load(server, options);
      if (!best[name] || result.rps > best[name].rps) best[name] = result;
    }
  }
  return best;
}

async function fixedRate(ingress, events) {
  let best;
  for (let round = 0; round < ROUNDS; round++) {
    const result = await load(ingress, { events, connections: 20, rate: 1000 });
    if (!best || result.p99 < best.p99) best = result;
  }
  return best;
}

async function main() {
  console.log(`ingress benchmark — ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}`);
  console.log(`ingress: ${INGRESS_MAIN}`);
  console.log(`${DURATION} s per run, best of ${ROUNDS} interleaved rounds; ingress LOG_LEVEL=${process.env.BENCH_LOG_LEVEL ?? 'info'}; NATS prefix ${PREFIX}; load average ${loadAverage()}`);
  if (os.loadavg()[0] > 1.5) console.log('warning: the machine is busy: req/s, latency and even CPU/req are worse than on an idle machine');
  console.log('');
  build();
  const [bare, ingress] = [await startBare(), await startIngress()];
  for (const server of [bare, ingress]) await load(server, { events: 1, connections: 50, duration: 5 }); // JIT warm-up

  for (const events of [1, 10]) {
    const best = await compare(bare, ingress, { events, connections: 50 });
    console.log(`${events} event(s)/batch, 50 connections`);
    console.log(`  bare    ${fmt(best.bare)}`);
    console.log(`  ingress ${fmt(best.ingress)}`);
    console.log(`  ratio   ${((100 * best.ingress.rps) / best.bare.rps).toFixed(0)}% of bare by req/s (target ≥ 50%)`);
    const [bareCeiling, ingressCeiling] = [cpuCeiling(best.bare), cpuCeiling(best.ingress)];
    console.log(
      `  CPU ceilings: bare ${bareCeiling.toFixed(0)} req/s, ingress ${ingressCeiling.toFixed(0)} req/s = ${((100 * ingressCeiling) / bareCeiling).toFixed(0)}% ` +
        '(what the measured CPU per request allows on this machine with nothing else running)\n',
    );
  }
  for (const events of [1, 10]) {
    const best = await fixedRate(ingress, events);
    console.log(`ingress at a fixed 1,000 req/s, ${events} event(s)/batch: ${fmt(best)}${events === 1 ? '  (target p99 < 10 ms)' : ''}`);
  }
}

try {
  await main();
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  await deleteStreams().catch((error) => console.error(`could not delete streams of ${PREFIX}: ${error.message}`));
}
process.exit(0);
