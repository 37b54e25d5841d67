import { THREAD_OWNER_CHANGED_SUBJECT, type ThreadOwnerChanged } from '@app/contracts';
import type { ThreadEntity } from './thread.entity.js';
import type { OutboxMessage } from './threads.repository.js';

export interface CommittedChange {
  action: ThreadOwnerChanged['action'];
  actorAppId: string | null;
  fromAppId: string | null;
  metadata?: string;
  notifiedAppIds: string[];
  at: Date;
  correlationId?: string;
}

/**
 * The `events.thread.owner.changed` fact of one change, for the outbox of the change's own
 * transaction. `thread` is the row as changed (owner, version, position). The message id is
 * stable per change, so a relayed copy is dropped by JetStream.
 */
export function ownerChangedFact(thread: ThreadEntity, change: CommittedChange): OutboxMessage {
  const payload: ThreadOwnerChanged = {
    pageId: thread.pageId,
    psid: thread.psid,
    previousOwnerAppId: change.fromAppId,
    ownerAppId: thread.ownerAppId,
    action: change.action,
    actorAppId: change.actorAppId,
    metadata: change.metadata ?? null,
    version: thread.version,
    streamSeq: thread.ownerSinceSeq,
    notifiedAppIds: change.notifiedAppIds,
    at: change.at.toISOString(),
    ...(change.correlationId ? { correlationId: change.correlationId } : {}),
  };
  return { subject: THREAD_OWNER_CHANGED_SUBJECT, msgId: `owner:${thread.pageId}:${thread.psid}:${thread.version}`, payload };
}
