import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { ErrorCode, type SendResult } from '@app/contracts';
import { DomainError } from '@app/platform';
import { replayOutcome } from './replay-outcome.js';
import { SendReplaysRepository, type KeyedNotify } from './send-replays.repository.js';

/** How long a repeat waits at most for an attempt of the first request to end. */
const IN_FLIGHT_WAIT_MS = 3_000;
/** Left of the caller's timeout for the answer to travel back. */
const REPLY_MARGIN_MS = 500;
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 200;

/**
 * How long a repeat may wait for the first request's attempt: at most 3 s, and short enough that
 * the caller gets "still in flight" before its own timeout (the bot SDK sends it; 3 s without it,
 * which fits the SDK's default 5 s).
 */
export function inFlightWaitMs(callerTimeoutMs: number | undefined): number {
  if (callerTimeoutMs === undefined) return IN_FLIGHT_WAIT_MS;
  return Math.max(0, Math.min(IN_FLIGHT_WAIT_MS, callerTimeoutMs - REPLY_MARGIN_MS));
}

/** Answers a repeated idempotency key with the outcome of the notify recorded under it. */
@Injectable()
export class NotifyReplay {
  constructor(private readonly sends: SendReplaysRepository) {}

  /** The recorded notify's result (or throws its typed error); `undefined` when none is recorded under the key. */
  async ifRecorded(notify: KeyedNotify, callerTimeoutMs?: number): Promise<SendResult | undefined> {
    // Wall clock, not the injected Clock: it bounds how long the bot waits, it is not a domain time.
    const deadline = Date.now() + inFlightWaitMs(callerTimeoutMs);
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
  async recorded(notify: KeyedNotify, callerTimeoutMs?: number): Promise<SendResult> {
    const result = await this.ifRecorded(notify, callerTimeoutMs);
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
