// CPU profile of the ingress under load (not a test, not part of `npm run bench`). Run from the
// repo root:   node bench/ingress/profile.mjs [events per batch, default 1]
// Builds like run.mjs (skip: BENCH_SKIP_BUILD=1), starts the ingress from dist/ with
// cpu-profiler.mjs preloaded, warms it up, profiles PROFILE_DURATION_S (10) seconds of
// autocannon at 50 connections (or PROFILE_RATE req/s), and prints self and inclusive time by
// package and by function. The profile stays in PROFILE_OUT (/tmp/ingress.cpuprofile) for
// Chrome DevTools or speedscope. Plain ESM JS.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import autocannon from 'autocannon';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { signedBatch } from './batches.mjs';
import { freePort, ingressEnv, waitUntilUp } from './ingress-process.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const INGRESS_MAIN = `${ROOT}dist/apps/ingress/src/main.js`;
const SECRET = 'bench-app-secret';
const EVENTS = Number(process.argv[2] ?? 1);
const DURATION = Number(process.env.PROFILE_DURATION_S ?? 10);
const RATE = process.env.PROFILE_RATE ? Number(process.env.PROFILE_RATE) : undefined;
const OUT = process.env.PROFILE_OUT ?? '/tmp/ingress.cpuprofile';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const PREFIX = `prof${randomBytes(4).toString('hex')}`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check, what) {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(200)) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

function load(url, duration) {
  return autocannon({
    url: `${url}/webhook`,
    connections: RATE ? 20 : 50,
    duration,
    ...(RATE ? { overallRate: RATE } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { body, signature } = signedBatch(EVENTS, SECRET);
          return { ...request, body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } };
        },
      },
    ],
  });
}

/** Self and inclusive time by package and by function (inclusive: the function is anywhere on the stack). */
function summarize(path) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const packageOf = ({ url, functionName }) => {
    if (!url) return functionName.startsWith('(') ? functionName : '(native / V8)';
    const at = url.lastIndexOf('node_modules/');
    if (at >= 0) {
      const rest = url.slice(at + 13).split('/');
      return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    }
    if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
    const dist = url.indexOf('/dist/');
    return dist >= 0 ? url.slice(dist + 6).split('/').slice(0, 2).join('/') : url;
  };
  const fnOf = ({ functionName, url, lineNumber }) => `${functionName || '(anonymous)'} ${url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : ''}`.trim();
  const counts = { selfPkg: new Map(), selfFn: new Map(), inclPkg: new Map(), inclFn: new Map() };
  const add = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  let busy = 0;
  for (const id of profile.samples) {
    const leaf = nodes.get(id);
    if (leaf.callFrame.functionName === '(idle)') continue;
    busy++;
    add(counts.selfPkg, packageOf(leaf.callFrame));
    add(counts.selfFn, fnOf(leaf.callFrame));
    const pkgs = new Set();
    const fns = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = nodes.get(at).callFrame;
      pkgs.add(packageOf(frame));
      fns.add(fnOf(frame));
    }
    for (const p of pkgs) add(counts.inclPkg, p);
    for (const f of fns) add(counts.inclFn, f);
  }
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, hits]) => `  ${((100 * hits) / busy).toFixed(1).padStart(5)} %  ${key}`)
      .join('\n');
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  console.log(`${busy} busy samples over ${seconds.toFixed(1)} s (${((100 * busy) / profile.samples.length).toFixed(0)} % busy)`);
  console.log(`\nself time by package\n${top(counts.selfPkg, 15)}`);
  console.log(`\nself time by function\n${top(counts.selfFn, 40)}`);
  console.log(`\ninclusive time by package\n${top(counts.inclPkg, 20)}`);
  console.log(`\ninclusive time by function\n${top(counts.inclFn, 60)}`);
}

async function main() {
  if (process.env.BENCH_SKIP_BUILD !== '1' || !existsSync(INGRESS_MAIN)) {
    execFileSync('npx', ['swc', 'apps/ingress', 'libs', '-d', 'dist'], { cwd: ROOT, stdio: 'ignore' });
  }
  rmSync(OUT, { force: true });
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', `${ROOT}bench/shared/cpu-profiler.mjs`, INGRESS_MAIN], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...ingressEnv({ port, natsUrl: NATS_URL, prefix: PREFIX, appSecret: SECRET }), CPU_PROFILE_OUT: OUT },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(`${url}/health`, 'the ingress');
    await load(url, 5); // JIT warm-up, not profiled
    child.kill('SIGWINCH');
    await sleep(200);
    const result = await load(url, DURATION);
    child.kill('SIGWINCH');
    await waitFor(() => existsSync(OUT), 'the profile');
    await sleep(500);
    console.log(`${EVENTS} event(s)/batch: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.non2xx} not 2xx\n`);
    summarize(OUT);
  } finally {
    child.kill('SIGTERM');
    await sleep(1000);
    const nc = await connect({ servers: NATS_URL });
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) if (name.startsWith(`${PREFIX.toUpperCase()}_`)) await jsm.streams.delete(name);
    await nc.close();
  }
}

await main();
process.exit(0);
