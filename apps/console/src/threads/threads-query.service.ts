import { Injectable } from '@nestjs/common';
import type { MessagingWindow } from '@app/contracts';
import type { ConsoleThreadEntity } from '../timeline/console-thread.entity.js';
import { StreamPositions } from '../timeline/stream-positions.js';
import type { TimelineEntryEntity } from '../timeline/timeline-entry.entity.js';
import { TimelineRepository } from '../timeline/timeline.repository.js';
import { MessagingWindowClient } from '../upstream/messaging-window.client.js';
import { ThreadOwnershipClient, type PageDetail, type ThreadState } from '../upstream/thread-ownership.client.js';
import { UpstreamError } from '../upstream/upstream-http.js';

const LIST_LIMIT = 100;
const TIMELINE_LIMIT = 300;

export interface ThreadRow {
  thread: ConsoleThreadEntity;
  /** undefined: notifications could not say. */
  window?: MessagingWindow;
}

export interface ThreadDetail extends ThreadRow {
  /** thread-ownership's own view (owner, expiry, audit log), or why it is missing. */
  authority: { ok: true; state: ThreadState | null } | { ok: false; error: string };
  page: PageDetail | null;
  timeline: TimelineEntryEntity[];
}

/** The thread list and one thread, from the console's read model plus the owning services. */
@Injectable()
export class ThreadsQueryService {
  constructor(
    private readonly repository: TimelineRepository,
    private readonly windows: MessagingWindowClient,
    private readonly threadOwnership: ThreadOwnershipClient,
    private readonly positions: StreamPositions,
  ) {}

  async rows(pageId?: string): Promise<ThreadRow[]> {
    const threads = await this.repository.recentThreads(LIST_LIMIT, pageId);
    return Promise.all(threads.map(async (thread) => ({ thread, window: await this.windows.status(thread.pageId, thread.psid) })));
  }

  async row(pageId: string, psid: string): Promise<ThreadRow | null> {
    const thread = await this.repository.findThread(pageId, psid);
    return thread && { thread, window: await this.windows.status(pageId, psid) };
  }

  async detail(pageId: string, psid: string): Promise<ThreadDetail | null> {
    const seq = await this.positions.botsLastSeq().catch(() => undefined);
    const [authority, page, window] = await Promise.all([
      this.threadOwnership.getThread(pageId, psid).then(
        (state) => ({ ok: true as const, state }),
        (error: unknown) => ({ ok: false as const, error: error instanceof UpstreamError ? error.message : 'not available' }),
      ),
      this.threadOwnership.getPage(pageId).catch(() => null),
      this.windows.status(pageId, psid),
    ]);
    // Read repair: thread-ownership is the authority (a plain release, for one, sends no event).
    if (authority.ok && authority.state && seq !== undefined) {
      await this.repository.setOwnerFromAuthority(pageId, psid, authority.state.ownerAppId, seq);
    }
    const thread = await this.repository.findThread(pageId, psid);
    if (!thread) return null;
    return { thread, window, authority, page, timeline: await this.repository.timeline(pageId, psid, TIMELINE_LIMIT) };
  }
}
