import { Inject, Injectable } from '@nestjs/common';
import { Clock, PeriodicTask } from '@app/platform';
import { ThreadOwnershipSettings } from '../config/thread-ownership-settings.js';
import { SentMessagesRepository } from './sent-messages.repository.js';

const PRUNE_INTERVAL_MS = 60_000;
const PRUNE_BATCH = 5000;
/** At most this many batches per pass, so one pass never holds a connection for long; the next pass goes on. */
const MAX_BATCHES_PER_PASS = 20;

/**
 * `sent_message` (which bot sent which Page message) only serves the routing of the echoes of
 * those messages, which arrive seconds later or, replayed from the EVENTS stream, within its
 * retention. Older rows are deleted so the table does not grow with every message ever sent.
 * Replicas may prune at once: they delete the same oldest rows, and one simply finds them gone.
 */
@Injectable()
export class SentMessagesRetention extends PeriodicTask<number> {
  constructor(
    private readonly sent: SentMessagesRepository,
    @Inject(Clock) private readonly clock: Clock,
    private readonly settings: ThreadOwnershipSettings,
  ) {
    super();
  }

  protected intervalMs(): number {
    return PRUNE_INTERVAL_MS;
  }

  /** Deletes rows older than the retention, batch by batch; returns how many went. Callable from tests with a ManualClock. */
  prune(): Promise<number> {
    return this.runOnce();
  }

  protected async runPass(): Promise<number> {
    const retentionMs = this.settings.sentMessageRetentionMs;
    const sentBefore = new Date(this.clock.now().getTime() - retentionMs);
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch++) {
      const deleted = await this.sent.pruneSentBefore(sentBefore, PRUNE_BATCH);
      total += deleted;
      if (deleted < PRUNE_BATCH) break;
    }
    if (total > 0) this.logger.debug({ deleted: total }, 'sent messages past their retention deleted');
    return total;
  }
}
