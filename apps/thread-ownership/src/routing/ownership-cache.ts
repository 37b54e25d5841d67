import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { NatsConnectionService } from '@app/messaging';
import type { Subscription } from '@nats-io/transport-node';
import type { ThreadEntity } from '../threads/thread.entity.js';

export interface CachedThread {
  ownerAppId: string | null;
  ownerSinceSeq: number;
  expiresAt: number | null;
  /** The row version this view was read at; routing writes only if it still matches. */
  version: number;
}

/** Between replicas of this service only: `ThreadChanged` as JSON, published after each commit. */
const THREAD_CHANGED = 'internal.thread.changed';
const MAX_ENTRIES = 200_000;

interface ThreadChanged extends CachedThread {
  key: string;
}

/**
 * Routing's view of who owns which thread, so routing an event needs no database read. It can
 * never route by a stale owner: every routing write is conditional on the cached version (see
 * RoutingWritesRepository), and a mismatch falls back to the locked path. The broadcast
 * after each change only keeps the other replicas' views fresh, so that fallback stays rare.
 */
@Injectable()
export class OwnershipCache implements OnModuleInit, OnModuleDestroy {
  private readonly entries = new Map<string, CachedThread>();
  private subscription?: Subscription;

  constructor(private readonly nats: NatsConnectionService) {}

  onModuleInit(): void {
    // No queue group: every replica must hear every change.
    this.subscription = this.nats.nc.subscribe(this.nats.subject(THREAD_CHANGED), {
      callback: (_error, message) => {
        const change = parseChange(message.string());
        if (change) this.adopt(change);
      },
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  get(pageId: string, psid: string): CachedThread | undefined {
    return this.entries.get(key(pageId, psid));
  }

  remember(thread: ThreadEntity): void {
    this.set(key(thread.pageId, thread.psid), viewOf(thread));
  }

  /**
   * After an ownership change committed: this replica and every other one route the thread's next
   * events by the new owner without reading the row (a replica that already holds a newer version
   * keeps it; the broadcast may arrive after a later change).
   */
  announceChange(thread: ThreadEntity): void {
    const change: ThreadChanged = { key: key(thread.pageId, thread.psid), ...viewOf(thread) };
    this.adopt(change);
    this.nats.nc.publish(this.nats.subject(THREAD_CHANGED), JSON.stringify(change));
  }

  forget(pageId: string, psid: string): void {
    this.entries.delete(key(pageId, psid));
  }

  private adopt({ key: k, ...view }: ThreadChanged): void {
    const held = this.entries.get(k);
    if (!held || held.version < view.version) this.set(k, view);
  }

  private set(k: string, view: CachedThread): void {
    this.entries.delete(k); // re-insert: Map order doubles as least-recently-updated order
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(k, view);
  }
}

const key = (pageId: string, psid: string) => `${pageId}:${psid}`;

const viewOf = (thread: ThreadEntity): CachedThread => ({
  ownerAppId: thread.ownerAppId,
  ownerSinceSeq: thread.ownerSinceSeq,
  expiresAt: thread.expiresAt?.getTime() ?? null,
  version: thread.version,
});

/** Undefined for anything unexpected: the cache is only a hint (routing writes are version-checked). */
function parseChange(text: string): ThreadChanged | undefined {
  try {
    const change = JSON.parse(text) as Partial<ThreadChanged>;
    return typeof change.key === 'string' && typeof change.version === 'number' && typeof change.ownerSinceSeq === 'number' ? (change as ThreadChanged) : undefined;
  } catch {
    return undefined;
  }
}
