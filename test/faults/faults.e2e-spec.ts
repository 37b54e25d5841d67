import { writeFileSync } from 'node:fs';
import { UserSimulator } from '@app/messenger-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultBot } from './harness/fault-bots.js';
import { FaultWorld } from './harness/fault-world.js';
import { OtnProbe } from './harness/otn-check.js';
import { sleep, until } from './harness/processes.js';
import type { ServiceName } from './harness/suite-processes.js';
import { auditChainBreaks, countDeliveries, countRepliesTwice, formatReports, settled, waitSettled, type FaultReport } from './harness/verify.js';
import { WebhookLoad } from './harness/webhook-load.js';

/**
 * Issue 9, part A: the suite under steady webhook load while one thing at a time breaks —
 * `kill -9` of each service (then restarted), a NATS restart, a PostgreSQL restart, the Graph
 * API failing transiently. Everything runs against a dedicated nats-server and PostgreSQL
 * cluster in a temp dir, with the services as separate processes from `dist/` (`npm run build`).
 * After each fault: every webhook that got a 200 reached exactly one owner bot on `messaging`,
 * no thread had two owners, no OTN token was spent twice, no reply (keyed by `ctx.reply`) went out
 * twice where the suite could record it, and the suite is healthy and serving.
 *
 * Two sets: `npm test` runs the light one (ingress, thread-ownership, NATS, PostgreSQL: every hop
 * a webhook is stored or routed through; about 3 minutes on 2 cores), `npm run faults`
 * (FAULTS_SET=full) all seven, 3–5 minutes: each fault that kills a process holding an unacked
 * message waits out the 30 s JetStream ack wait of the services' consumers before that message is
 * redelivered, and a busy machine stretches the services' restarts.
 *
 * Knobs (environment): FAULTS_SET (light | full), FAULTS_RATE (events/s, 50), FAULTS_REPLY_EVERY
 * (the owner bot replies to one message in n, 3), FAULTS_THREADS
 * (200), FAULTS_PHASE_MS (load before and after each fault, 1500), FAULTS_REPORT (also write the
 * table to this file), FAULTS_KEEP=1 (keep the temp dir with every log).
 */
const RATE = Number(process.env.FAULTS_RATE ?? 50);
const REPLY_EVERY = Number(process.env.FAULTS_REPLY_EVERY ?? 3);
const THREADS = Number(process.env.FAULTS_THREADS ?? 200);
const PHASE_MS = Number(process.env.FAULTS_PHASE_MS ?? 1500);
const FULL = process.env.FAULTS_SET === 'full';
const PAGE_ID = '3000001';
const BOTS = ['alpha', 'beta'] as const;
/**
 * Draining gives up after this long without progress. More than the services' 30 s JetStream ack
 * wait: after a crash, what the dead process held comes back only then.
 */
const STALL_MS = 45_000;
const DRAIN_CAP_MS = 150_000;

interface Fault {
  name: string;
  /** Breaks something and repairs it; resolves when the repair has been started (optionally with a note for the table). */
  inject(world: FaultWorld): Promise<string | void>;
  /** OTN opt-ins and notifies during this fault (not when the emulator, which holds the tokens, is killed). */
  otn: boolean;
  /** Part of the light set that `npm test` runs. */
  light: boolean;
  /**
   * A reply can reach the user twice: the Send API took it but the suite could not record it
   * (thread-ownership killed between Meta's answer and the commit, or PostgreSQL away longer than
   * the ~3 s a failed send's record is retried), so the bot's retry finds no key and sends again.
   * Everywhere else a keyed reply goes out once.
   */
  replyMayRepeat?: true;
}

const crash = (service: ServiceName, light: boolean): Fault => ({
  name: `kill -9 ${service}`,
  otn: service !== 'messenger-emulator',
  light,
  ...(service === 'thread-ownership' ? { replyMayRepeat: true as const } : {}),
  inject: (world) => world.suite.service(service).crashAndRestart(500),
});

const FAULTS: Fault[] = [
  crash('ingress', true),
  crash('thread-ownership', true),
  crash('notifications', false),
  crash('messenger-emulator', false),
  { name: 'restart NATS (kill -9)', otn: true, light: true, inject: (world) => world.nats.restart('SIGKILL', 1000) },
  { name: 'restart PostgreSQL (immediate)', otn: true, light: true, replyMayRepeat: true, inject: (world) => world.postgres.restart('immediate') },
  {
    name: 'Graph API 5xx for 4 s',
    otn: true,
    light: false,
    inject: async (world) => {
      const url = `${world.suite.emulatorUrl}/_emulator/faults`;
      const error = { status: 500, code: 2, is_transient: true, message: 'An unexpected error has occurred. Please retry your request later.' };
      const added = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ match: {}, error, times: 1_000_000 }) });
      if (added.status !== 201) throw new Error(`could not inject the Graph fault: HTTP ${added.status}`);
      await sleep(4000);
      await fetch(url, { method: 'DELETE' });
      const { calls } = (await (await fetch(`${world.suite.emulatorUrl}/_emulator/calls`)).json()) as { calls: Array<{ injected: boolean }> };
      return `${calls.filter((c) => c.injected).length} Graph calls answered 500`;
    },
  },
];

describe.sequential('fault injection (dedicated NATS + PostgreSQL, services as processes)', () => {
  let world: FaultWorld;
  const bots: FaultBot[] = [];
  let load: WebhookLoad;
  let user: UserSimulator;
  const reports: FaultReport[] = [];
  const psids = Array.from({ length: THREADS }, (_, i) => String(8_000_000 + i));

  beforeAll(async () => {
    world = await FaultWorld.start({ env: { OTN_RETRY_INTERVAL_MS: '1000', OUTBOX_RELAY_INTERVAL_MS: '500' } });
    const { suite } = world;
    await suite.registerPage(PAGE_ID, { accessToken: `token-${PAGE_ID}`, defaultOwnerAppId: 'alpha', apps: BOTS.map((appId) => ({ appId })) });
    for (const [appId, otherAppId] of [['alpha', 'beta'], ['beta', 'alpha']] as const) {
      bots.push(await FaultBot.start({ appId, otherAppId, servers: world.nats.url, prefix: suite.prefix, replyEvery: REPLY_EVERY }));
    }
    user = new UserSimulator({ ingressUrl: suite.ingressUrl, appSecret: suite.appSecret, pageId: PAGE_ID }).linkGraph(suite.emulatorUrl);
    load = new WebhookLoad({ ingressUrl: suite.ingressUrl, appSecret: suite.appSecret, pageId: PAGE_ID, psids, rate: RATE, passEvery: 7, retryForMs: 120_000 });
    // Every thread exists (one message each) before the first fault.
    const warm = await load.burst('warm-up', THREADS);
    await waitSettled(warm, bots, STALL_MS, DRAIN_CAP_MS);
    if (!settled(warm, bots)) throw new Error(`warm-up traffic did not settle:\n${suite.tails()}`);
  }, 240_000);

  afterAll(async () => {
    if (reports.length > 0) {
      const table = formatReports(reports);
      console.log(`\nFault injection (${FULL ? 'full' : 'light'} set) at ${RATE} events/s over ${THREADS} threads, 2 bots, owner replies to 1 message in ${REPLY_EVERY}:\n${table}\n`);
      if (process.env.FAULTS_REPORT) writeFileSync(process.env.FAULTS_REPORT, `${table}\n`);
    }
    load?.close();
    await Promise.allSettled(bots.map((bot) => bot.close()));
    await world?.stop();
  }, 60_000);

  for (const [index, fault] of FAULTS.entries()) {
    if (!FULL && !fault.light) continue;
    it(`${fault.name}: nothing lost, one owner per thread, no OTN spent twice, recovers by itself`, async () => {
      const phase = `fault-${index}`;
      await world.suite.waitAllHealthy(30_000);
      const otn = fault.otn ? new OtnProbe(user, bots[0], world.suite.emulatorUrl, `restock-${index}`) : undefined;
      await otn?.optIn([0, 1, 2].map((i) => String(9_000_000 + index * 10 + i)));

      load.start(phase);
      await sleep(PHASE_MS);
      otn?.fire(25_000);
      const faultAt = Date.now();
      const note = (await fault.inject(world)) ?? undefined;
      await world.suite.waitAllHealthy(90_000).catch(() => undefined);
      const recoveryMs = Date.now() - faultAt;
      await sleep(PHASE_MS);
      await load.stop();

      const events = load.ofPhase(phase);
      const drainMs = await waitSettled(events, bots, STALL_MS, DRAIN_CAP_MS);
      const probe = await load.burst(`${phase}-after`, 10);
      const newTrafficFlows = await until(() => settled(probe, bots), 'new traffic', 20_000).then(
        () => true,
        () => false,
      );
      const counts = countDeliveries(events, bots);
      const audit = await auditChainBreaks(world.postgres.urlFor('mho'), PAGE_ID);
      const health = await world.suite.health();
      const report: FaultReport = {
        fault: fault.name,
        ...counts,
        auditBreaks: audit.breaks,
        repliesTwice: await countRepliesTwice(world.suite.emulatorUrl, new Set(events.map((e) => e.mid))),
        otn: await otn?.result(20_000),
        recoveryMs,
        drainMs,
        healthyAfter: Object.values(health).every(Boolean),
        newTrafficFlows: newTrafficFlows && probe.every((e) => e.acceptedAt !== undefined),
        note,
      };
      reports.push(report);

      const explain = `${formatReports([report])}\nlost mids: ${counts.lostMids.slice(0, 5).join(', ')}\naudit: ${audit.examples.join('; ')}\nhealth: ${JSON.stringify(health)}\nbot failures: ${bots.map((b) => `${b.appId} ${JSON.stringify(Object.fromEntries(b.failureCodes))} last: ${b.lastError}`).join('; ')}\n${world.suite.tails(8)}`;
      expect(report.accepted, explain).toBeGreaterThan(0);
      expect(report.accepted, `every webhook is eventually accepted (Meta retries)\n${explain}`).toBe(report.posted);
      expect(report.lost, explain).toBe(0);
      expect(report.twoOwners, explain).toBe(0);
      expect(report.ownerMismatch, explain).toBe(0);
      expect(report.standbyLost, explain).toBe(0);
      expect(report.unhandled, explain).toBe(0);
      expect(report.auditBreaks, explain).toBe(0);
      if (fault.otn) {
        // Every opted-in user gets the one notification: none lost to the fault, none twice.
        expect(report.otn?.tokens, explain).toBeGreaterThan(0);
        expect(report.otn?.sent, `every token spent once the suite recovered\n${explain}`).toBe(report.otn?.tokens);
        expect(report.otn?.spentTwice, explain).toBe(0);
      }
      if (!fault.replyMayRepeat) expect(report.repliesTwice, `a keyed reply went out twice\n${explain}`).toBe(0);
      expect(report.healthyAfter, explain).toBe(true);
      expect(report.newTrafficFlows, explain).toBe(true);
    }, 420_000);
  }
});
