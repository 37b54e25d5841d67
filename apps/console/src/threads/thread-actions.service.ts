import { Injectable } from '@nestjs/common';
import { ErrorCode, PAGE_INBOX_APP_ID } from '@app/contracts';
import { DomainError } from '@app/platform';
import { LiveUpdates } from '../live/live-updates.service.js';
import { StreamPositions } from '../timeline/stream-positions.js';
import { TimelineRepository } from '../timeline/timeline.repository.js';
import { ThreadOwnershipClient, type ThreadAction } from '../upstream/thread-ownership.client.js';

export interface OperatorAction {
  pageId: string;
  psid: string;
  action: ThreadAction;
  targetAppId?: string;
  /** Becomes the handover metadata, so bots and the audit log see why. */
  note?: string;
}

/**
 * Operator actions, through thread-ownership's admin API: the same rules as the bots, the same
 * audit log. A human agent steps in as the Page Inbox; passing back or releasing is done on
 * behalf of the current owner (the operator's privilege on the admin API).
 */
@Injectable()
export class ThreadActionsService {
  constructor(
    private readonly threadOwnership: ThreadOwnershipClient,
    private readonly repository: TimelineRepository,
    private readonly positions: StreamPositions,
    private readonly live: LiveUpdates,
  ) {}

  async act(a: OperatorAction): Promise<void> {
    const metadata = a.note?.trim() || defaultNote(a);
    if (a.action === 'take') {
      const state = await this.threadOwnership.getThread(a.pageId, a.psid);
      if (state?.ownerAppId === PAGE_INBOX_APP_ID) throw new DomainError(ErrorCode.NotAllowed, 'the Page Inbox (human agents) already owns this conversation');
      await this.threadOwnership.act(a.pageId, a.psid, 'take', { appId: PAGE_INBOX_APP_ID, metadata });
    } else {
      const state = await this.threadOwnership.getThread(a.pageId, a.psid);
      if (!state) throw new DomainError(ErrorCode.UnknownThread, `no conversation with user ${a.psid} on page ${a.pageId}`);
      if (a.action === 'release') {
        if (!state.ownerAppId) throw new DomainError(ErrorCode.NotAllowed, 'the thread is already idle');
        await this.threadOwnership.act(a.pageId, a.psid, 'release', { appId: state.ownerAppId, metadata });
      } else {
        if (!a.targetAppId) throw new DomainError(ErrorCode.InvalidPayload, 'choose the app to pass the thread to');
        if (a.targetAppId === state.ownerAppId) throw new DomainError(ErrorCode.NotAllowed, `${a.targetAppId} already owns this conversation`);
        // An idle thread is passed on behalf of the default app (it acts for idle threads, as at Meta).
        const actor = state.ownerAppId ?? (await this.threadOwnership.getPage(a.pageId)).defaultOwnerAppId ?? PAGE_INBOX_APP_ID;
        if (actor === a.targetAppId) {
          throw new DomainError(ErrorCode.NotAllowed, `the conversation is idle and ${a.targetAppId} is the Page's default app: it gets the conversation with the user's next message`);
        }
        await this.threadOwnership.act(a.pageId, a.psid, 'pass', { appId: actor, targetAppId: a.targetAppId, metadata });
      }
    }
    await this.refresh(a.pageId, a.psid);
  }

  /** Takes the new owner from the authority at once, and tells every open browser. */
  private async refresh(pageId: string, psid: string): Promise<void> {
    const seq = await this.positions.botsLastSeq();
    const state = await this.threadOwnership.getThread(pageId, psid);
    if (state) await this.repository.setOwnerFromAuthority(pageId, psid, state.ownerAppId, seq);
    this.live.publish({ type: 'thread', pageId, psid });
  }
}

function defaultNote(a: OperatorAction): string {
  switch (a.action) {
    case 'take':
      return 'operator console: a human agent took over';
    case 'pass':
      return `operator console: passed to ${a.targetAppId ?? 'the default app'}`;
    case 'release':
      return 'operator console: released';
  }
}
