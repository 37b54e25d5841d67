import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Managed {
  name: string;
  child: ChildProcess;
  logFile: string;
}

const LOG_DIR = '.run/logs';

/**
 * Starts one process of the suite. Services log JSON to `.run/logs/<name>.log`; bots print
 * readable lines, which the demo shows on screen, prefixed with a colour.
 */
export function startProcess(name: string, script: string, env: NodeJS.ProcessEnv, showOutput: (line: string) => void): Managed {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'w' });
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.pipe(log, { end: false });
    stream?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.startsWith('[')) showOutput(line);
    });
  }
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) showOutput(`!! ${name} exited with code ${code}; see ${logFile}`);
  });
  return { name, child, logFile };
}

/** Polls a health URL until it answers 200 or the process dies. */
export async function waitHealthy(managed: Managed, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (managed.child.exitCode !== null) throw new Error(`${managed.name} exited during start; see ${managed.logFile}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${managed.name} did not become healthy at ${url} within ${timeoutMs} ms; see ${managed.logFile}`);
}

export async function stopAll(processes: Managed[]): Promise<void> {
  await Promise.all(
    processes.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.child.exitCode !== null) return resolve();
          p.child.once('exit', () => resolve());
          p.child.kill('SIGTERM');
          setTimeout(() => p.child.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
}
