import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { ErrorCode, type SendResult } from '@app/contracts';
import { DomainError } from '@app/platform';
import { replayOutcome } from './replay-outcome.js';
import { SendReplaysRepository, type KeyedNotify } from './send-replays.repository.js';

/**
 * How long a repeat waits for an attempt of the first request to end: shorter than a bot's
 * usual request timeout (the SDK's 5 s), so the bot gets the outcome rather than another timeout.
 */
const IN_FLIGHT_WAIT_MS = 3_000;
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 200;

/** Answers a repeated idempotency key with the outcome of the notify recorded under it. */
@Injectable()
export class NotifyReplay {
  constructor(private readonly sends: SendReplaysRepository) {}

  /** The recorded notify's result (or throws its typed error); `undefined` when none is recorded under the key. */
  async ifRecorded(notify: KeyedNotify): Promise<SendResult | undefined> {
    // Wall clock, not the injected Clock: it bounds how long the bot waits, it is not a domain time.
    const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
      const send = await this.sends.findByKey(notify);
      if (send === null) return undefined;
      const outcome = replayOutcome(send);
      if (outcome.kind === 'sent') return outcome.result;
      if (outcome.kind === 'refused') throw outcome.error;
      if (Date.now() + pause > deadline) throw stillInFlight(send.id);
      await sleep(pause);
    }
  }

  /** For a key the reservation found recorded: its row is committed, so it is there to read. */
  async recorded(notify: KeyedNotify): Promise<SendResult> {
    const result = await this.ifRecorded(notify);
    if (result === undefined) throw new DomainError(ErrorCode.Unavailable, 'the notify recorded under this idempotencyKey could not be read; ask again');
    return result;
  }
}

/** Also when the first request's replica died mid-attempt: the retry loop takes the send over once its lease ends. */
const stillInFlight = (sendId: string) =>
  new DomainError(ErrorCode.Unavailable, 'the first request with this idempotencyKey is still being sent; ask again later', {
    sendId,
    inFlight: true,
  });
