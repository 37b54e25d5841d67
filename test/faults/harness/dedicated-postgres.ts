import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, onProcessExit, run, until } from './processes.js';

/** PostgreSQL 15 binaries: on PATH, or Debian's versioned directory. */
function pgBin(name: string): string {
  for (const dir of [process.env.PG_BIN_DIR, '/usr/lib/postgresql/15/bin', '/usr/local/bin']) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return name;
}

/** initdb and postgres refuse to run as root: then run them as the `postgres` user. */
function asClusterOwner(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function owner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return { uid: Number(run('id', ['-u', 'postgres'])), gid: Number(run('id', ['-g', 'postgres'])) };
}

/**
 * A private PostgreSQL cluster (`initdb -A trust -U postgres` into a temp dir, started with
 * `pg_ctl` on a spare port, socket in the same dir), so restarts never touch the shared server.
 */
export class DedicatedPostgres {
  private stopped = false;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly socketDir: string,
    private readonly logFile: string,
  ) {
    onProcessExit(() => this.stopSync('immediate'));
  }

  static async start(dir: string, database = 'mho'): Promise<DedicatedPostgres> {
    const root = join(dir, 'postgres');
    mkdirSync(root, { recursive: true });
    const ids = owner();
    if (ids) {
      chmodSync(dir, 0o755); // the cluster owner must be able to reach its directory
      chownSync(root, ids.uid, ids.gid);
    }
    const dataDir = join(root, 'data');
    const [command, args] = asClusterOwner(pgBin('initdb'), ['-A', 'trust', '-U', 'postgres', '-N', '-E', 'UTF8', '--locale=C', '-D', dataDir]);
    run(command, args, { timeoutMs: 120_000 });
    const cluster = new DedicatedPostgres(await freePort(), dataDir, root, join(root, 'postgres.log'));
    await cluster.startServer();
    const admin = new pg.Client({ connectionString: cluster.urlFor('postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    return cluster;
  }

  urlFor(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** The postmaster's pid (first line of postmaster.pid) while the server runs. */
  get pid(): number | undefined {
    try {
      return Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
    } catch {
      return undefined;
    }
  }

  async startServer(): Promise<void> {
    if (this.stopped) throw new Error('this PostgreSQL cluster was stopped for good; not starting it again');
    const extra = process.env.DEDICATED_PG_OPTIONS ? ` ${process.env.DEDICATED_PG_OPTIONS}` : '';
    const options = `-p ${this.port} -k ${this.socketDir} -c listen_addresses=127.0.0.1 -c max_connections=200${extra}`;
    const [command, args] = asClusterOwner(pgBin('pg_ctl'), ['-D', this.dataDir, '-o', options, '-l', this.logFile, '-w', '-t', '60', 'start']);
    run(command, args, { timeoutMs: 90_000 });
    // Crash recovery on a busy 2-core machine has taken over 30 s; what is asserted is recovery, not its speed.
    await until(() => this.ping(), `PostgreSQL on port ${this.port}`, 120_000, 100);
  }

  /** `immediate` is a crash as far as the database is concerned: recovery replays the WAL at start. */
  stopSync(mode: 'immediate' | 'fast' = 'fast'): void {
    if (!existsSync(join(this.dataDir, 'postmaster.pid'))) return;
    const [command, args] = asClusterOwner(pgBin('pg_ctl'), ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    run(command, args, { timeoutMs: 90_000 });
  }

  async restart(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    this.stopSync(mode);
    await this.startServer();
  }

  async ping(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.urlFor('postgres'), connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  tail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopSync('fast');
  }
}
