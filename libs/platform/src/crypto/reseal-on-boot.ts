import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { resealAll, type SealedStore } from './reseal.js';
import type { TokenCipher } from './token-cipher.js';

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
    private readonly options: { batchSize?: number } = {},
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

  private async run(): Promise<void> {
    try {
      const outcome = await resealAll(this.cipher, this.store, { batchSize: this.options.batchSize, signal: this.stop.signal });
      if (this.stop.signal.aborted) return this.logger.log({ ...outcome, keyId: this.cipher.keyId }, `re-sealing ${this.what} stopped by the shutdown; the next start goes on`);
      if (outcome.unreadable > 0) {
        this.logger.error({ ...outcome, keyId: this.cipher.keyId }, `${outcome.unreadable} ${this.what} are sealed with a key this installation does not have; they were left as they are`);
      } else {
        this.logger.log({ ...outcome, keyId: this.cipher.keyId }, `every stored value of ${this.what} is sealed with the current key`);
      }
    } catch (error) {
      this.logger.error({ err: error, keyId: this.cipher.keyId }, `re-sealing ${this.what} failed; the next start tries again (the previous keys still open them)`);
    }
  }
}
