import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { freePort, ManagedChild, sleep, until } from './processes.js';

export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/**
 * A private `nats-server -js` on a spare port with its own store directory, so killing and
 * restarting it never touches the machine's shared NATS. The store survives restarts.
 */
export class DedicatedNats {
  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly process: ManagedChild,
  ) {}

  /** `gomaxprocs`: the Go runtime's GOMAXPROCS for the server (unset: Go's default, one per core). */
  static async start(dir: string, options: { gomaxprocs?: number } = {}): Promise<DedicatedNats> {
    const port = await freePort();
    const storeDir = join(dir, 'jetstream');
    mkdirSync(storeDir, { recursive: true });
    const child = new ManagedChild({
      name: 'nats-server',
      command: NATS_SERVER_BIN,
      args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir, '-n', `faults-${port}`],
      logFile: join(dir, 'nats-server.log'),
      env: options.gomaxprocs ? { GOMAXPROCS: String(options.gomaxprocs) } : undefined,
    });
    const nats = new DedicatedNats(port, storeDir, child.start());
    await nats.waitReady();
    return nats;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get restarts(): number {
    return this.process.restarts;
  }

  /** Stops the server (SIGKILL by default: a crash) and starts it again on the same port and store. */
  async restart(signal: NodeJS.Signals = 'SIGKILL', downMs = 0): Promise<void> {
    await this.process.kill(signal);
    if (downMs > 0) await sleep(downMs);
    this.process.restarts++;
    this.process.start();
    await this.waitReady();
  }

  /** Up when a client connects and JetStream answers. */
  async waitReady(timeoutMs = 20_000): Promise<number> {
    return until(
      async () => {
        if (!this.process.isRunning()) throw new Error(`nats-server exited:\n${this.process.tail()}`);
        try {
          const nc = await connect({ servers: this.url, timeout: 500, reconnect: false });
          try {
            await nc.request('$JS.API.INFO', '', { timeout: 500 });
            return true;
          } finally {
            await nc.close();
          }
        } catch {
          return false;
        }
      },
      `nats-server on ${this.url}`,
      timeoutMs,
      100,
    );
  }

  tail(lines?: number): string {
    return this.process.tail(lines);
  }

  async stop(): Promise<void> {
    await this.process.dispose();
  }
}
