import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return { n: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), p999: round(percentile(sorted, 99.9)), max: round(sorted.at(-1) ?? NaN) };
}

/** Starts the built service as its own process and waits for /health. */
export async function startService(script: string, env: Record<string, string>, healthUrl: string, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await fetch(healthUrl).then((r) => r.ok, () => false)) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`service did not become healthy at ${healthUrl}`);
}

/** CPU seconds (user + system) used so far by the processes whose command name is `comm`, or by one pid. */
export function cpuSeconds(which: { comm: string } | { pid: number }): number {
  const ticks = 100; // USER_HZ on Linux
  const pids = 'pid' in which ? [String(which.pid)] : readdirSync('/proc').filter((d) => /^\d+$/.test(d) && readOr(`/proc/${d}/comm`).trim() === which.comm);
  let total = 0;
  for (const pid of pids) {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readOr(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / ticks;
  }
  return total;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Fires `op` at a fixed rate for `seconds`, recording each round trip in ms (open-loop: lateness counts). */
export async function atFixedRate(ratePerSecond: number, seconds: number, op: (i: number) => Promise<unknown>): Promise<{ latencies: number[]; errors: number; completedPerSecond: number }> {
  const latencies: number[] = [];
  let lastDone = 0;
  let errors = 0;
  const total = ratePerSecond * seconds;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inflight.push(
      op(i).then(
        () => {
          lastDone = performance.now();
          latencies.push(lastDone - due);
        },
        () => void (errors += 1),
      ),
    );
  }
  await Promise.all(inflight);
  // Completions per second over the whole run: below the offered rate means a backlog built up.
  return { latencies, errors, completedPerSecond: Math.round((latencies.length * 1000) / (lastDone - started)) };
}
