import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IpcChild } from './ipc-child.js';
import { summarize, type LatencySummary } from './stats.js';

export interface HostSignals {
  /** How late a process sleeping 10 ms got the CPU back. */
  wakeLateMs: LatencySummary;
  /** Core NATS PING → PONG with nats-server. */
  brokerPingMs: LatencySummary;
}

/** The host-probe.js process (see there): the machine's and the broker's responsiveness during a step. */
export class HostProbe {
  private constructor(private readonly process: IpcChild) {}

  static async start(servers: string): Promise<HostProbe> {
    const child = new IpcChild('host probe', join(dirname(fileURLToPath(import.meta.url)), 'host-probe.js'), [servers]);
    await child.expect('ready');
    return new HostProbe(child);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  async take(from: number, to: number): Promise<HostSignals> {
    const taken = await this.process.ask<{ lateMs: number[]; pingMs: number[] }>({ type: 'take', from, to }, 'taken');
    return { wakeLateMs: summarize(taken.lateMs), brokerPingMs: summarize(taken.pingMs) };
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
