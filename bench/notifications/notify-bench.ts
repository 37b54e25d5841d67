import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import type { RpcReply } from '@app/contracts';
import { TokenCipher } from '@app/platform';
import { DeliverStandIn } from '../../apps/notifications/test/support/deliver-stand-in.js';
import { otnOptInEvent, publishEvent, type Thread } from '../../apps/notifications/test/support/webhook-events.js';
import { createTestEnvironment } from '../../test/support/test-environment.js';
import { loadAverage, machineCpuMs, pool, processCpuMs, round, startReplica, stopReplica, summarize } from './bench-support.js';

/**
 * Notify throughput and the contended case, against real NATS + PostgreSQL, with the service in
 * its own process(es) and a DeliverMessage responder standing in for thread-ownership + emulator.
 * Knobs: BENCH_USERS (5000), BENCH_CONCURRENCY (64), BENCH_REPLICAS (1), BENCH_CONTENDED (200).
 */
const USERS = Number(process.env.BENCH_USERS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1);
const CONTENDED = Number(process.env.BENCH_CONTENDED ?? 200);
const PAGE = '900001';
const TOPIC = 'bench-topic';

const env = await createTestEnvironment({ OTN_ENABLED_BY_DEFAULT: 'true', RPC_TIMEOUT_MS: '10000' });
const nc = await connect({ servers: env.natsUrl });
const js = jetstream(nc);
const db = new pg.Client({ connectionString: env.databaseUrl });
const cipher = new TokenCipher(process.env.TOKEN_ENCRYPTION_KEY!);
const deliver = new DeliverStandIn(nc, env.prefix).start();
const replicas: ChildProcess[] = [];
for (let i = 0; i < REPLICAS; i++) replicas.push(await startReplica(3900 + Math.floor(Math.random() * 900) + i));
await db.connect();

const notify = async (thread: Thread): Promise<{ reply: RpcReply; ms: number }> => {
  const started = performance.now();
  const payload = JSON.stringify({ ...thread, topic: TOPIC, message: { text: 'It is back!' } });
  const msg = await nc.request(`${env.prefix}.rpc.bench-bot.notification.send`, payload, { timeout: 30_000 });
  return { reply: msg.json<RpcReply>(), ms: performance.now() - started };
};
/** This run's PostgreSQL backends (our database only) and the NATS server, for CPU accounting. */
const databaseBackendPids = async (): Promise<number[]> =>
  (await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r) => r.pid);
const readProc = (pid: string, file: string) => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return ''; // the process ended between readdir and read
  }
};
/** The NATS server this run uses (the one on port 4222; other sessions may run their own). */
const natsServerPids = (): number[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && readProc(d, 'comm').trim() === 'nats-server' && readProc(d, 'cmdline').includes('4222'))
    .map(Number);
const cpuByPid = (pids: number[]) => new Map(pids.filter((pid) => existsSync(`/proc/${pid}`)).map((pid) => [pid, processCpuMs(pid)]));
/** Backends that closed in between are lost (undercount); new ones count from zero. */
const cpuDelta = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);
const validTokens = async () =>
  (await db.query(`SELECT count(*)::int AS n FROM notifications.otn_tokens WHERE state = 'valid'`)).rows[0].n as number;

async function seed(threads: Thread[]): Promise<number> {
  const started = performance.now();
  await pool(threads, 256, (t) => publishEvent(js, env.prefix, otnOptInEvent(cipher, t, TOPIC, `bench-token-${t.psid}`, Date.now())));
  while ((await validTokens()) < threads.length) await new Promise((resolve) => setTimeout(resolve, 100));
  return threads.length / ((performance.now() - started) / 1000);
}

try {
  const threads = Array.from({ length: USERS }, (_, i) => ({ pageId: PAGE, psid: String(7_000_000 + i) }));
  const optInsPerSecond = await seed(threads);

  await pool(threads.slice(0, 200), CONCURRENCY, notify); // warm-up: JIT, pools, subscriptions
  const measured = threads.slice(200);
  const serviceCpu = () => replicas.reduce((sum, child) => sum + processCpuMs(child.pid!), 0);
  const [postgresBefore, natsBefore] = [cpuByPid(await databaseBackendPids()), cpuByPid(natsServerPids())];
  const stackCpu = () => ({ service: serviceCpu(), bench: processCpuMs(process.pid) });
  const [cpuBefore, machineBefore, loadBefore, stackBefore] = [serviceCpu(), machineCpuMs(), loadAverage(), stackCpu()];
  const started = performance.now();
  const results = await pool(measured, CONCURRENCY, notify);
  const seconds = (performance.now() - started) / 1000;
  const [cpuAfter, machineAfter, stackAfter] = [serviceCpu(), machineCpuMs(), stackCpu()];
  const postgresMs = cpuDelta(postgresBefore, cpuByPid(await databaseBackendPids()));
  const natsMs = cpuDelta(natsBefore, cpuByPid([...natsBefore.keys()]));
  const perNotify = (key: keyof typeof stackAfter) => round((stackAfter[key] - stackBefore[key]) / measured.length, 3);
  const cpuMsPerNotify = {
    service: perNotify('service'),
    postgres: round(postgresMs / measured.length, 3),
    nats: round(natsMs / measured.length, 3),
    benchClientAndResponder: perNotify('bench'),
  };
  const totalCpuMs = Object.values(cpuMsPerNotify).reduce((a, b) => a + b, 0);
  const failed = results.filter((r) => !r.reply.ok).length;

  const contended = { pageId: PAGE, psid: '8000000' };
  await publishEvent(js, env.prefix, otnOptInEvent(cipher, contended, TOPIC, 'bench-contended', Date.now()));
  while ((await validTokens()) < 1) await new Promise((resolve) => setTimeout(resolve, 50));
  const before = deliver.calls.length;
  const contendedStarted = performance.now();
  const race = await Promise.all(Array.from({ length: CONTENDED }, () => notify(contended)));
  const contendedMs = performance.now() - contendedStarted;

  const report = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    replicas: REPLICAS,
    optInCapture: { events: USERS, perSecond: round(optInsPerSecond) },
    notifyThroughput: {
      notifies: measured.length,
      concurrency: CONCURRENCY,
      perSecond: round(measured.length / seconds),
      failed,
      latencyMs: summarize(results.map((r) => r.ms)),
      serviceCpuMsPerNotify: round((cpuAfter - cpuBefore) / measured.length, 2),
      cpuMsPerNotify,
      /** What the whole stack could do if it had every core of this machine to itself. */
      projectedPerSecondOnIdleMachine: round((os.cpus().length * 1000) / totalCpuMs),
      machineBusyPercent: round((100 * (machineAfter.busy - machineBefore.busy)) / (machineAfter.total - machineBefore.total)),
      loadAverageBefore: loadBefore,
    },
    contended: {
      concurrentNotifies: CONTENDED,
      sent: race.filter((r) => r.reply.ok).length,
      deliverCalls: deliver.calls.length - before,
      refusedNoTokenLeft: race.filter((r) => !r.reply.ok && r.reply.error.code === 'OTN_NO_TOKEN_LEFT').length,
      wallMs: round(contendedMs),
      latencyMs: summarize(race.map((r) => r.ms)),
    },
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  for (const child of replicas) await stopReplica(child);
  await deliver.stop();
  await db.end();
  await nc.close();
  await env.cleanup();
}
