import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onProcessExit } from '../../test/faults/harness/processes.js';

export interface TakenSamples {
  latency: number[];
  /** Due time → stored for the bot: the part of `latency` spent before the bot's own consumer. */
  routed: number[];
  at: number[];
  standby: number;
  redelivered: number;
}

/** One bench-bot.js process, spoken to over IPC. */
export class BotProcess {
  private constructor(
    readonly appId: string,
    readonly child: ChildProcess,
  ) {
    onProcessExit(() => this.child.exitCode === null && this.child.kill('SIGKILL'));
  }

  static async start(appId: string, otherAppId: string, servers: string, prefix: string, concurrency: number): Promise<BotProcess> {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'bench-bot.js');
    const child = fork(script, [appId, otherAppId, servers, prefix, String(concurrency)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const bot = new BotProcess(appId, child);
    await bot.expect('ready');
    return bot;
  }

  get pid(): number | undefined {
    return this.child.exitCode === null ? this.child.pid : undefined;
  }

  async count(tag: string): Promise<{ messaging: number; standby: number; passes: number }> {
    this.child.send({ type: 'count', tag });
    return this.expect('count');
  }

  /** The samples of a tag (forgotten by the bot afterwards). */
  async take(tag: string): Promise<TakenSamples> {
    this.child.send({ type: 'take', tag });
    return this.expect('taken');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.send({ type: 'stop' });
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  }

  private expect<T>(type: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: { type: string }) => {
        if (message.type !== type) return;
        cleanup();
        resolve(message as T);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`bot ${this.appId} exited (${code}) while waiting for "${type}"`));
      };
      const cleanup = () => {
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }
}
