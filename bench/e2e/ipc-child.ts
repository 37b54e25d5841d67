import { fork, type ChildProcess } from 'node:child_process';
import { onProcessExit } from '../../test/faults/harness/processes.js';

/** A benchmark helper process (a bot, the host probe) spoken to over IPC; killed when the bench exits. */
export class IpcChild {
  readonly child: ChildProcess;

  constructor(
    readonly name: string,
    script: string,
    args: string[],
  ) {
    this.child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    onProcessExit(() => this.child.exitCode === null && this.child.kill('SIGKILL'));
  }

  get pid(): number | undefined {
    return this.child.exitCode === null ? this.child.pid : undefined;
  }

  /** Sends `message` and waits for the child's reply of type `type`. */
  ask<T>(message: { type: string; [key: string]: unknown }, type: string): Promise<T> {
    const reply = this.expect<T>(type);
    this.child.send(message);
    return reply;
  }

  expect<T>(type: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: { type: string }) => {
        if (message.type !== type) return;
        cleanup();
        resolve(message as T);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${this.name} exited (${code}) while waiting for "${type}"`));
      };
      const cleanup = () => {
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
