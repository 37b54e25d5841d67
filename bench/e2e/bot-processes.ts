import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IpcChild } from './ipc-child.js';

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
    private readonly process: IpcChild,
  ) {}

  static async start(appId: string, otherAppId: string, servers: string, prefix: string, concurrency: number): Promise<BotProcess> {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'bench-bot.js');
    const child = new IpcChild(`bot ${appId}`, script, [appId, otherAppId, servers, prefix, String(concurrency)]);
    await child.expect('ready');
    return new BotProcess(appId, child);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  count(tag: string): Promise<{ messaging: number; standby: number; passes: number }> {
    return this.process.ask({ type: 'count', tag }, 'count');
  }

  /** The samples of a tag (forgotten by the bot afterwards). */
  take(tag: string): Promise<TakenSamples> {
    return this.process.ask({ type: 'take', tag }, 'taken');
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
