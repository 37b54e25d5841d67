import { setTimeout as sleep } from 'node:timers/promises';
import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { resealAll, type ResealOutcome, type SealedStore } from './reseal.js';
import type { TokenCipher } from './token-cipher.js';

const MAX_PASSES = 5;

/**
 * After a key rotation (`TOKEN_ENCRYPTION_PREVIOUS_KEYS` set), re-seals one table's stored values
 * with the current key, in the background once the service is up: the boot does not wait for it,
 * and the previous keys keep opening what is not done yet. Says when it is done, which is when an
 * operator may drop the previous keys (docs/operations.md, "Rotating TOKEN_ENCRYPTION_KEY").
 */
export class ResealOnBoot implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ResealOnBoot.name);
  private readonly stop = new AbortController();
  private running?: Promise<void>;
  private inProgress = false;

  constructor(
    private readonly cipher: TokenCipher,
    private readonly store: SealedStore,
    /** What the table holds, for the log: "Page access tokens". */
    private readonly what: string,
    private readonly options: { batchSize?: number; retryDelayMs?: number } = {},
  ) {}

  onApplicationBootstrap(): void {
    if (!this.cipher.hasPreviousKeys || this.inProgress) return;
    this.inProgress = true;
    this.running = this.run().finally(() => {
      this.inProgress = false;
    });
  }

  /** Waits for the batch in hand, so the database pool is not closed under it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  /** Resolves when the background re-seal (if any) has finished; for tests and the shutdown. */
  get done(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /**
   * Passes over the table until one finds nothing left to re-seal: a pass that did re-seal goes
   * again, for values written meanwhile under an old key (a replica not restarted yet). A failed
   * pass (a deadlock with a send, the database away for a moment) is tried again after a pause.
   */
  private async run(): Promise<void> {
    const keyId = this.cipher.keyId;
    let resealed = 0;
    for (let pass = 1; pass <= MAX_PASSES; pass++) {
      const outcome = await this.pass(pass);
      if (this.stop.signal.aborted) return this.logger.log({ resealed, keyId }, `re-sealing ${this.what} stopped by the shutdown; the next start goes on`);
      if (outcome === undefined) continue;
      resealed += outcome.resealed;
      if (outcome.resealed > 0 && pass < MAX_PASSES) continue;
      if (outcome.unreadable > 0) {
        return this.logger.error({ resealed, unreadable: outcome.unreadable, keyId }, `${outcome.unreadable} ${this.what} are sealed with a key this installation does not have; they were left as they are`);
      }
      if (outcome.resealed > 0) return this.logger.warn({ resealed, keyId }, `${this.what} under old keys kept appearing; the next start goes on (is every replica on the new key?)`);
      return this.logger.log({ resealed, keyId }, `every stored value of ${this.what} is sealed with the current key`);
    }
    this.logger.error({ resealed, keyId }, `re-sealing ${this.what} failed ${MAX_PASSES} times; the next start tries again (the previous keys still open them)`);
  }

  /** One pass; undefined when it failed (logged) and the pause before the next one is over. */
  private async pass(pass: number): Promise<ResealOutcome | undefined> {
    try {
      return await resealAll(this.cipher, this.store, { batchSize: this.options.batchSize, signal: this.stop.signal });
    } catch (error) {
      this.logger.warn({ err: error, pass }, `re-sealing ${this.what} failed; trying again shortly`);
      await sleep(this.options.retryDelayMs ?? 5000, undefined, { signal: this.stop.signal }).catch(() => undefined);
      return undefined;
    }
  }
}
