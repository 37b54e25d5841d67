import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DedicatedNats } from './dedicated-nats.js';
import { DedicatedPostgres } from './dedicated-postgres.js';
import { onProcessExit } from './processes.js';
import { SuiteProcesses, type SuiteProcessOptions } from './suite-processes.js';

export interface FaultWorldOptions {
  /** Temp dir prefix (under the OS temp dir). */
  name?: string;
  logLevel?: string;
  env?: SuiteProcessOptions['env'];
  nodeArgs?: SuiteProcessOptions['nodeArgs'];
  /** GOMAXPROCS of the dedicated nats-server (unset: Go's default). */
  natsGomaxprocs?: number;
  /** Keep the temp dir (logs, stores) after stop, e.g. to read the logs of a failed run. */
  keep?: boolean;
}

/**
 * Everything a fault run needs, private to it: a temp dir, a dedicated nats-server and
 * PostgreSQL cluster in it, and the suite's four processes pointed at them. `stop()` (also run
 * on process exit) stops all of them and removes the temp dir.
 */
export class FaultWorld {
  private stopped = false;

  private constructor(
    readonly dir: string,
    readonly nats: DedicatedNats,
    readonly postgres: DedicatedPostgres,
    readonly suite: SuiteProcesses,
    private readonly keep: boolean,
  ) {
    onProcessExit(() => {
      if (!this.keep) rmSync(this.dir, { recursive: true, force: true });
    });
  }

  static async start(options: FaultWorldOptions = {}): Promise<FaultWorld> {
    const dir = mkdtempSync(join(tmpdir(), `${options.name ?? 'mho-faults'}-`));
    const keep = options.keep ?? process.env.FAULTS_KEEP === '1';
    let nats: DedicatedNats | undefined;
    let postgres: DedicatedPostgres | undefined;
    try {
      [nats, postgres] = await Promise.all([DedicatedNats.start(dir, { gomaxprocs: options.natsGomaxprocs }), DedicatedPostgres.start(dir)]);
      const suite = await SuiteProcesses.start({
        dir,
        natsUrl: nats.url,
        databaseUrl: postgres.urlFor('mho'),
        logLevel: options.logLevel,
        env: options.env,
        nodeArgs: options.nodeArgs,
      });
      return new FaultWorld(dir, nats, postgres, suite, keep);
    } catch (error) {
      await nats?.stop().catch(() => undefined);
      await postgres?.stop().catch(() => undefined);
      if (!keep) rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.suite.stop().catch(() => undefined);
    await this.nats.stop().catch(() => undefined);
    await this.postgres.stop().catch(() => undefined);
    if (!this.keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
