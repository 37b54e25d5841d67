import { ErrorCode, RpcError } from '@app/bot-sdk';
import { UserSimulator } from '@app/messenger-emulator';
import type { FaultBot } from './fault-bots.js';
import { sleep } from './processes.js';

interface OtnThread {
  psid: string;
  token: string;
  /** Notify calls the bot saw succeed. */
  ok: number;
}

/** Errors after which asking again is pointless: the token is spent, reserved for the retry loop, or refused for good. */
const FINAL = new Set<string>([ErrorCode.OtnNoTokenLeft, ErrorCode.GraphError, ErrorCode.NotThreadOwner, ErrorCode.OtnNotEnabled]);

/**
 * One-time notifications across a fault: users opt in before it, the owning bot asks twice per
 * user (concurrently, retrying what is transient) while the fault happens, and afterwards the
 * Graph emulator's record shows how many notifications went out per token (never more than one).
 */
export class OtnProbe {
  private readonly threads: OtnThread[] = [];
  private readonly attempts: Array<Promise<void>> = [];

  constructor(
    private readonly user: UserSimulator,
    private readonly bot: FaultBot,
    private readonly emulatorUrl: string,
    private readonly topic: string,
  ) {}

  /** Users opt in (the simulator registers each token with the emulator first). */
  async optIn(psids: string[]): Promise<void> {
    for (const psid of psids) {
      const token = await this.user.optInOneTimeNotification(psid, this.topic);
      this.threads.push({ psid, token, ok: 0 });
    }
  }

  /** Two notify calls per user, in parallel, each retried while the answer is transient (for up to `forMs`). */
  fire(forMs: number): void {
    for (const thread of this.threads) for (let i = 0; i < 2; i++) this.attempts.push(this.notify(thread, Date.now() + forMs));
  }

  private async notify(thread: OtnThread, deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      try {
        await this.bot.bot.suite.notify({ pageId: this.user.pageId, psid: thread.psid, topic: this.topic, message: { text: `back in stock (${thread.psid})` } });
        thread.ok++;
        return;
      } catch (error) {
        if (error instanceof RpcError && FINAL.has(error.code)) return;
        await sleep(250);
      }
    }
  }

  /**
   * Waits for the bot's calls to finish and for every token to be spent at the emulator (the
   * retry loop may finish some), then counts. `spentTwice`: tokens that produced two
   * notifications (two 200s at the emulator, or two successful answers to the bot).
   */
  async result(timeoutMs: number): Promise<{ tokens: number; sent: number; spentTwice: number }> {
    await Promise.all(this.attempts);
    const deadline = Date.now() + timeoutMs;
    let counts = await this.sentPerToken();
    while (Date.now() < deadline && this.threads.some((t) => (counts.get(t.token) ?? 0) === 0)) {
      await sleep(250);
      counts = await this.sentPerToken();
    }
    const twice = this.threads.filter((t) => (counts.get(t.token) ?? 0) > 1 || t.ok > 1).length;
    return { tokens: this.threads.length, sent: this.threads.filter((t) => (counts.get(t.token) ?? 0) >= 1).length, spentTwice: twice };
  }

  private async sentPerToken(): Promise<Map<string, number>> {
    const response = await fetch(`${this.emulatorUrl}/_emulator/calls?edge=messages`);
    const { calls } = (await response.json()) as { calls: Array<{ body: any; response: { status: number } }> };
    const counts = new Map<string, number>();
    for (const call of calls) {
      const token = call.body?.recipient?.one_time_notif_token;
      if (typeof token === 'string' && call.response.status === 200) counts.set(token, (counts.get(token) ?? 0) + 1);
    }
    return counts;
  }
}
