import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../faults/harness/processes.js';
import { waitFor } from './wait-for.js';

const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/**
 * A `nats-server` with JetStream of the test's own, on a spare port, as an installation runs it:
 * a main configuration (JetStream store) that includes `accounts.conf`, the part the test writes
 * (e.g. generated NATS permissions) and can reload. Store and files live in a temp directory
 * removed on stop. The machine's shared NATS is never touched.
 */
export class PrivateNats {
  private reloads = 0;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(config: string): Promise<PrivateNats> {
    const dir = mkdtempSync(join(tmpdir(), 'mho-nats-'));
    const port = await freePort();
    // nats-server 2.9 cannot reload a configuration whose JetStream came from -js/-sd flags.
    writeFileSync(join(dir, 'nats.conf'), `jetstream { store_dir: ${JSON.stringify(join(dir, 'store'))} }\ninclude "accounts.conf"\n`);
    writeConfig(dir, config);
    return PrivateNats.run(dir, port, ['-c', join(dir, 'nats.conf'), '-a', '127.0.0.1', '-p', String(port)]);
  }

  /**
   * A server run from a main configuration written by someone else (scripts/nats-config.ts
   * `--server-config`): its listen address must be 127.0.0.1:`port`; `dir` is removed on stop.
   */
  static async fromConfigFile(dir: string, configFile: string, port: number): Promise<PrivateNats> {
    return PrivateNats.run(dir, port, ['-c', configFile]);
  }

  private static async run(dir: string, port: number, args: string[]): Promise<PrivateNats> {
    const child = spawn(NATS_SERVER_BIN, [...args, '-l', join(dir, 'nats.log')], { stdio: 'ignore' });
    const nats = new PrivateNats(port, dir, child);
    await waitFor(() => {
      if (child.exitCode !== null) throw new Error(`nats-server exited (${child.exitCode}):\n${nats.log()}`);
      return nats.log().includes('Server is ready') ? true : undefined;
    }, `nats-server on port ${port}`);
    return nats;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'nats.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Writes a new `accounts.conf` and makes the server reload (SIGHUP), waiting until it has. */
  async reload(config: string): Promise<void> {
    writeConfig(this.dir, config);
    this.reloads += 1;
    this.child.kill('SIGHUP');
    await waitFor(() => {
      const done = this.log().split('Reloaded server configuration').length - 1;
      if (this.log().includes('Failed to reload')) throw new Error(`nats-server refused the configuration:\n${this.log()}`);
      return done >= this.reloads ? true : undefined;
    }, 'nats-server to reload its configuration');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function writeConfig(dir: string, config: string): void {
  const file = join(dir, 'accounts.conf');
  writeFileSync(file, config);
  chmodSync(file, 0o600);
}
