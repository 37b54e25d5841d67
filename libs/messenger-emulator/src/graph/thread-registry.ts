/** Meta's control expires after 24 h without activity (messenger-platform.md §2.8). */
export const THREAD_CONTROL_TTL_SECONDS = 24 * 60 * 60;

export interface ThreadOwnership {
  appId: string;
  /** Unix time in seconds, the unit of `thread_owner.expiration`. */
  expiration: number;
}

export interface ThreadOwnershipEntry extends ThreadOwnership {
  pageId: string;
  psid: string;
}

const threadKey = (pageId: string, psid: string): string => `${pageId}:${psid}`;

/**
 * The emulator's own record of who controls each (Page, PSID) thread, fed by pass/take/release
 * calls and Send API `thread_control`; `thread_owner` answers from it.
 */
export class ThreadOwnerRegistry {
  private readonly owners = new Map<string, ThreadOwnershipEntry>();

  constructor(private readonly now: () => number) {}

  /** Current owner, or undefined while the thread is idle (never owned, released or expired). */
  owner(pageId: string, psid: string): ThreadOwnership | undefined {
    const key = threadKey(pageId, psid);
    const entry = this.owners.get(key);
    if (!entry) return undefined;
    if (entry.expiration <= this.nowSeconds()) {
      this.owners.delete(key);
      return undefined;
    }
    return { appId: entry.appId, expiration: entry.expiration };
  }

  assign(pageId: string, psid: string, appId: string): ThreadOwnership {
    const entry = { pageId, psid, appId, expiration: this.nowSeconds() + THREAD_CONTROL_TTL_SECONDS };
    this.owners.set(threadKey(pageId, psid), entry);
    return { appId, expiration: entry.expiration };
  }

  release(pageId: string, psid: string): void {
    this.owners.delete(threadKey(pageId, psid));
  }

  list(): ThreadOwnershipEntry[] {
    return [...this.owners.values()]
      .filter((entry) => this.owner(entry.pageId, entry.psid) !== undefined)
      .map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.owners.clear();
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
