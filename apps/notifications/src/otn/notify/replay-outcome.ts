import { ErrorCode, type SendResult } from '@app/contracts';
import { DomainError } from '@app/platform';
import { withDetails } from '../../core/errors.js';
import type { SendStatus } from '../otn-send.entity.js';
import { classifyDeliveryFailure, flaggedIfAmbiguous } from './delivery-outcome.js';
import type { RecordedError } from './send-ledger.repository.js';

/** A notify recorded under an idempotency key, as a repeat of that key finds it. */
export interface RecordedSend {
  id: string;
  status: SendStatus;
  attempts: number;
  messageId: string | null;
  recipientId: string | null;
  lastError: RecordedError | null;
  nextAttemptAt: Date | null;
  /** The repeat names the same user, topic and message as the recorded notify. */
  sameRequest: boolean;
}

/** `in-flight`: an attempt of the first request is still running (status `sending`). */
export type ReplayOutcome = { kind: 'sent'; result: SendResult } | { kind: 'refused'; error: DomainError } | { kind: 'in-flight' };

/**
 * The answer the first request got, rebuilt from its send row the way SendAttempts built it;
 * when the first request left the send to the retry loop, what the send has come to since.
 */
export function replayOutcome(send: RecordedSend): ReplayOutcome {
  // A key stands for one notification: reused for another one, it is a bug in the bot, not a repeat.
  if (!send.sameRequest) return refused(keyReused());
  switch (send.status) {
    case 'sending':
      return { kind: 'in-flight' };
    case 'sent':
      return { kind: 'sent', result: sentResult(send) };
    case 'retrying':
      return refused(withDetails(recordedError(send), { sendId: send.id, retrying: true, attempts: send.attempts, retryAt: send.nextAttemptAt?.toISOString() }));
    case 'rejected':
      return refused(flaggedIfAmbiguous(recordedError(send), send.id, send.lastError?.ambiguous));
    case 'failed':
      return refused(failedError(send));
  }
}

/** Retries exhausted on transient errors, or a final refusal by Meta: the two ways a send fails (SendAttempts). */
function failedError(send: RecordedSend): DomainError {
  const error = recordedError(send);
  if (classifyDeliveryFailure(error) === 'transient') return withDetails(error, { sendId: send.id, retrying: false, attempts: send.attempts });
  return flaggedIfAmbiguous(error, send.id, send.lastError?.ambiguous);
}



function sentResult(send: RecordedSend): SendResult {
  return { ...(send.recipientId === null ? {} : { recipient_id: send.recipientId }), message_id: send.messageId ?? '' };
}

function recordedError(send: RecordedSend): DomainError {
  if (send.lastError === null) return new DomainError(ErrorCode.Internal, 'internal error');
  const { code, message, details } = send.lastError;
  return new DomainError(code, message, details);
}

const refused = (error: DomainError): ReplayOutcome => ({ kind: 'refused', error });

const keyReused = () =>
  new DomainError(ErrorCode.InvalidPayload, 'idempotencyKey: already used for another notification (other user, topic or message)', {
    field: 'idempotencyKey',
  });
