import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Small process tools for the fault harness and the end-to-end benchmark: spare ports, child
 * processes with a log file each, and a last-resort cleanup when the process exits, so nothing
 * this harness started outlives it (also when a test fails or throws).
 */

/** A port nobody listens on right now (the kernel picks it; the tiny race is acceptable on loopback). */
/**
 * A port nothing listens on, for a process about to start. Chosen below the kernel's ephemeral
 * range (32768+): a port from `listen(0)` is from that range, and an outgoing connection (there
 * are hundreds: database pools, NATS clients) could take it between our probe and the service's
 * own listen, which failed a benchmark once with EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port found in 20000-31999');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` is true or the time is up; returns the time it took (ms). */
export async function until(probe: () => boolean | Promise<boolean>, what: string, timeoutMs: number, everyMs = 50): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

const exitHooks = new Set<() => void>();
let hooked = false;

/** Runs synchronously when this process exits, whatever the reason (test failure, throw, exit()). */
export function onProcessExit(hook: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const run of [...exitHooks].reverse()) {
        try {
          run();
        } catch {
          // best effort: the next hook must still run
        }
      }
    });
  }
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
}

/**
 * One restartable child process (a service, nats-server …). Output goes to its log file
 * (appended across restarts). `kill('SIGKILL')` is the `kill -9` of the fault tests.
 */
export class ManagedChild {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private disposed = false;
  restarts = 0;

  constructor(readonly spec: ChildSpec) {
    onProcessExit(() => this.child?.pid && this.isRunning() && process.kill(this.child.pid, 'SIGKILL'));
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.isRunning() ? this.child?.pid : undefined;
  }

  isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): this {
    // A test that timed out may still run after cleanup: it must not start orphans.
    if (this.disposed) throw new Error(`${this.name} was stopped for good; not starting it again`);
    if (this.isRunning()) throw new Error(`${this.name} is already running`);
    const log = createWriteStream(this.spec.logFile, { flags: 'a' });
    log.write(`\n--- ${new Date().toISOString()} start ${this.spec.command} ${this.spec.args.join(' ')}\n`);
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: { ...process.env, ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        log.end(`--- exit code=${code} signal=${signal}\n`);
        resolve();
      }),
    );
    this.child = child;
    return this;
  }

  /** Sends the signal and waits for the exit (SIGKILL after `graceMs` if it does not stop). */
  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
    if (!this.isRunning()) return;
    this.child!.kill(signal);
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async restart(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.kill(signal);
    this.restarts++;
    this.start();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.kill('SIGTERM', 3000);
  }

  /** The last lines of the log, to explain a failure. */
  tail(lines = 20): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): string {
  const result = spawnSync(command, args, { env: { ...process.env, ...options.env }, encoding: 'utf8', timeout: options.timeoutMs ?? 60_000 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout || result.error?.message}`);
  }
  return result.stdout;
}

/** Resident set size (kB) of one process from /proc, or undefined when it is gone. */
export function rssKb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Proportional set size (kB): shared pages split between the processes that map them. */
export function pssKb(pid: number): number | undefined {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const match = /^Pss:\s+(\d+) kB/m.exec(rollup);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Total CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat; with
 * `reapedChildren`, also that of its children that have exited (a postmaster's closed backends).
 */
export function cpuMs(pid: number, reapedChildren = false): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] = utime, fields[12] = stime, fields[13] = cutime, fields[14] = cstime (clock ticks, 100 per second on Linux)
    const ticks = Number(fields[11]) + Number(fields[12]) + (reapedChildren ? Number(fields[13]) + Number(fields[14]) : 0);
    return (ticks * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** Direct children of a process (e.g. the backends of a postmaster). */
export function childPids(parent: number): number[] {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(parent)], { encoding: 'utf8' });
  return out.stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0);
}
