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

const THREAD_CHANGED = 'internal.thread.changed';
const MAX_ENTRIES = 200_000;

/**
 * Routing's view of who owns which thread, so routing an event needs no database read. It can
 * never route by a stale owner: every routing write is conditional on the cached version (see
 * ThreadsRepository.recordRouting), and a mismatch falls back to the locked path. The broadcast
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
        this.entries.delete(message.string());
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
    const k = key(thread.pageId, thread.psid);
    this.entries.delete(k); // re-insert: Map order doubles as least-recently-updated order
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(k, {
      ownerAppId: thread.ownerAppId,
      ownerSinceSeq: thread.ownerSinceSeq,
      expiresAt: thread.expiresAt?.getTime() ?? null,
      version: thread.version,
    });
  }

  /** Tells every replica (this one included) to forget the thread. */
  announceChange(pageId: string, psid: string): void {
    this.entries.delete(key(pageId, psid));
    this.nats.nc.publish(this.nats.subject(THREAD_CHANGED), key(pageId, psid));
  }

  forget(pageId: string, psid: string): void {
    this.entries.delete(key(pageId, psid));
  }
}

const key = (pageId: string, psid: string) => `${pageId}:${psid}`;
