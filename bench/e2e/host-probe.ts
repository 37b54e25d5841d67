import { connect } from '@nats-io/transport-node';

/**
 * The host probe, run as its own process (`node host-probe.js <servers>`) at normal priority,
 * like every process of the benchmark. Every 10 ms it sleeps and then pings nats-server, and
 * records two things that say whether a bad latency step is the suite or the machine:
 * - wake-up lateness: how much later than asked a sleeping process gets the CPU back (the run
 *   queue of a busy machine, or a host that runs the VM's vCPUs late);
 * - broker round trip: a core NATS PING/PONG, no JetStream, so how long nats-server takes to
 *   answer the cheapest request it has, while it also carries the suite's traffic.
 */
interface Sample {
  at: number;
  lateMs: number;
  pingMs: number;
}

const INTERVAL_MS = 10;
const nc = await connect({ servers: process.argv[2] });
const samples: Sample[] = [];
let running = true;

async function loop(): Promise<void> {
  while (running) {
    const due = performance.now() + INTERVAL_MS;
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    const woke = performance.now();
    await nc.flush();
    samples.push({ at: Date.now(), lateMs: woke - due, pingMs: performance.now() - woke });
  }
}
const looping = loop();

process.on('message', (message: { type: string; from?: number; to?: number }) => {
  if (message.type === 'take') {
    const within = samples.filter((s) => s.at >= message.from! && s.at <= message.to!);
    samples.splice(0, samples.findLastIndex((s) => s.at <= message.to!) + 1); // older samples are no longer needed
    process.send!({ type: 'taken', lateMs: within.map((s) => s.lateMs), pingMs: within.map((s) => s.pingMs) });
  } else if (message.type === 'stop') {
    running = false;
    void looping.then(() => nc.close()).finally(() => process.exit(0));
  }
});
process.send!({ type: 'ready' });
