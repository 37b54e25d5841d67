import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, PAGE_INBOX_APP_ID, type GetThreadOwner, type RpcResponse } from '@app/contracts';
import { NatsConnectionService } from '@app/messaging';
import { Clock, DomainError } from '@app/platform';
import { ThreadOwnershipSettings } from '../config/thread-ownership-settings.js';
import { handoverDeliveries, type HandoverNotice } from '../delivery/bot-events.js';
import { OutboxPublisher } from '../delivery/outbox-publisher.service.js';
import { MetaInboxBridge } from '../outbound/meta-inbox-bridge.js';
import { OwnershipCache } from '../routing/ownership-cache.js';
import { StreamPosition } from '../routing/stream-position.js';
import type { PageView } from '../pages/pages.service.js';
import { PagesService } from '../pages/pages.service.js';
import type { OwnershipAction } from './ownership-change.entity.js';
import { checkMetadata, checkPass, checkRelease, checkTake, requestAddressee, type OwnershipFacts } from './ownership-rules.js';
import { ownerChangedFact } from './owner-changed-fact.js';
import type { ThreadEntity } from './thread.entity.js';
import { ThreadsRepository, type OutboxMessage, type ThreadTx } from './threads.repository.js';

export interface ThreadCommand {
  pageId: string;
  psid: string;
  actorAppId: string;
  metadata?: string;
  correlationId?: string;
}

export interface OwnerChange {
  /** Every action but `request`, which changes no owner. */
  action: Exclude<OwnershipAction, 'request'>;
  actorAppId: string | null;
  toAppId: string | null;
  metadata?: string;
  /** The handover event the apps involved receive (none for a plain release, as at Meta). */
  notice?: HandoverNotice['kind'];
  correlationId?: string;
  /**
   * EVENTS stream position from which the new owner applies. Routing passes the triggering
   * event's position − 1 (that event already belongs to the new owner); requests use "now".
   */
  fromStreamSeq?: number;
}

const SUCCESS = { success: true } as const;
/** Changes nobody asked for (no caller to refuse): mirrored to Meta best-effort (MetaInboxBridge). */
const SUITE_DECIDED = new Set<OwnershipAction>(['default', 'idle_timeout', 'bot_unhealthy', 'app_removed']);

/** Pass / take / request / release and idle expiry: every change under the thread's row lock. */
@Injectable()
export class OwnershipService {
  private readonly logger = new Logger(OwnershipService.name);

  constructor(
    private readonly threads: ThreadsRepository,
    private readonly pages: PagesService,
    private readonly outbox: OutboxPublisher,
    private readonly inbox: MetaInboxBridge,
    private readonly positions: StreamPosition,
    private readonly cache: OwnershipCache,
    @Inject(Clock) private readonly clock: Clock,
    private readonly settings: ThreadOwnershipSettings,
    private readonly nats: NatsConnectionService,
  ) {}

  async pass(cmd: ThreadCommand & { targetAppId: string }): Promise<typeof SUCCESS> {
    checkMetadata(cmd.metadata);
    const { view } = await this.pages.participant(cmd.pageId, cmd.actorAppId);
    const target = view.apps.find((a) => a.appId === cmd.targetAppId);
    if (!target) throw new DomainError(ErrorCode.UnknownApp, `app ${cmd.targetAppId} is not connected to page ${cmd.pageId}`);
    return this.inKnownThread(cmd, view, async (tx, position) => {
      checkPass(facts(tx, view), cmd.actorAppId, target);
      return this.changeOwner(tx, view, { ...change(cmd, 'pass', target.appId, position), notice: 'pass_thread_control' });
    });
  }

  async take(cmd: ThreadCommand): Promise<typeof SUCCESS> {
    checkMetadata(cmd.metadata);
    const { view, app } = await this.pages.participant(cmd.pageId, cmd.actorAppId);
    checkTake(app);
    return this.inKnownThread(cmd, view, async (tx, position) => {
      if (tx.thread.ownerAppId === cmd.actorAppId) return [] as OutboxMessage[];
      return this.changeOwner(tx, view, { ...change(cmd, 'take', cmd.actorAppId, position), notice: 'take_thread_control' });
    });
  }

  async request(cmd: ThreadCommand): Promise<typeof SUCCESS> {
    checkMetadata(cmd.metadata);
    const { view } = await this.pages.participant(cmd.pageId, cmd.actorAppId);
    return this.inKnownThread(cmd, view, async (tx, position) => {
      const addressee = requestAddressee(facts(tx, view), cmd.actorAppId);
      // Human agents hear of it through Meta; a bot through its own handover event (below).
      if (addressee === PAGE_INBOX_APP_ID) await this.inbox.requestFromInbox(view, tx.thread.psid, cmd.metadata);
      const now = this.clock.now();
      await tx.audit({ ...auditBase(tx, now), streamSeq: tx.thread.ownerSinceSeq, action: 'request', actorAppId: cmd.actorAppId, fromAppId: tx.thread.ownerAppId, toAppId: cmd.actorAppId, metadata: cmd.metadata ?? null });
      const body = { requested_owner_app_id: cmd.actorAppId, metadata: cmd.metadata ?? null };
      return tx.enqueue(this.notices(view, { kind: 'request_thread_control', body, at: now, tx, correlationId: cmd.correlationId }, [addressee]), now);
    });
  }

  async release(cmd: ThreadCommand): Promise<typeof SUCCESS> {
    checkMetadata(cmd.metadata);
    const { view } = await this.pages.participant(cmd.pageId, cmd.actorAppId);
    return this.inKnownThread(cmd, view, async (tx, position) => {
      checkRelease(facts(tx, view), cmd.actorAppId);
      return this.changeOwner(tx, view, change(cmd, 'release', null, position));
    });
  }

  async owner(pageId: string, psid: string, actorAppId: string): Promise<RpcResponse<typeof GetThreadOwner>> {
    await this.pages.participant(pageId, actorAppId);
    const thread = await this.threads.findThread(pageId, psid);
    if (!thread) throw unknownThread(pageId, psid);
    const lapsesAt = this.lapsesAt(thread);
    if (thread.ownerAppId === null || (lapsesAt !== null && lapsesAt <= this.clock.now())) return { data: [] };
    return { data: [{ thread_owner: { app_id: thread.ownerAppId, expiration: Math.floor((lapsesAt?.getTime() ?? 0) / 1000) } }] };
  }

  /**
   * Ownership lapses after the idle timeout; the previous owner is told. Returns how many lapsed.
   * A thread that fails is left for the next sweep and the others still lapse; one warning per
   * sweep says how many failed (a database outage would otherwise log every thread).
   */
  async expireIdle(): Promise<number> {
    let expired = 0;
    const failed: Array<{ pageId: string; psid: string; error: unknown }> = [];
    for (const stale of await this.threads.findExpired(this.clock.now(), 200)) {
      try {
        if (await this.expireOne(stale.pageId, stale.psid)) expired += 1;
      } catch (error) {
        failed.push({ pageId: stale.pageId, psid: stale.psid, error });
      }
    }
    const [first] = failed;
    if (first) this.logger.warn({ failed: failed.length, pageId: first.pageId, psid: first.psid, err: first.error }, 'idle expiry failed for some threads; the next sweep tries them again');
    return expired;
  }

  private async expireOne(pageId: string, psid: string): Promise<boolean> {
    const view = await this.pages.find(pageId);
    if (!view) return false;
    let lapsed = false;
    const messages = await this.threads.inThreadTransaction(pageId, psid, async (tx) => {
      if (!this.hasLapsed(tx)) return this.refreshExpiry(tx);
      lapsed = true;
      return this.lapse(tx, view);
    });
    await this.outbox.publishNow(messages);
    return lapsed;
  }

  hasLapsed(tx: ThreadTx): boolean {
    const lapsesAt = this.lapsesAt(tx.thread);
    return tx.thread.ownerAppId !== null && lapsesAt !== null && lapsesAt <= this.clock.now();
  }

  /**
   * When an owned thread lapses: its last activity plus the idle timeout. The stored `expires_at`
   * (indexed, for the sweep) may trail this by up to `expiryRefreshMs`: routing moves it forward
   * only that coarsely, so that the per-event write leaves the indexed column alone (a HOT update).
   */
  lapsesAt(thread: Pick<ThreadEntity, 'ownerAppId' | 'lastActivityAt' | 'expiresAt'>): Date | null {
    if (thread.ownerAppId === null) return null;
    return thread.lastActivityAt ? this.expiryFrom(thread.lastActivityAt) : thread.expiresAt;
  }

  /** How far the stored expiry may trail the real one (1 % of the idle timeout, at most a minute). */
  get expiryRefreshMs(): number {
    return Math.min(60_000, Math.floor(this.settings.ownership.idleTimeoutMs / 100));
  }

  /** The sweep found a thread by its trailing stored expiry, but it is still active: store the real one. */
  private async refreshExpiry(tx: ThreadTx): Promise<OutboxMessage[]> {
    const lapsesAt = this.lapsesAt(tx.thread);
    if (lapsesAt && tx.thread.expiresAt?.getTime() !== lapsesAt.getTime()) {
      tx.thread.expiresAt = lapsesAt;
      await tx.saveThread();
    }
    return [];
  }

  lapse(tx: ThreadTx, view: PageView, fromStreamSeq?: number): Promise<OutboxMessage[]> {
    return this.changeOwner(tx, view, { action: 'idle_timeout', actorAppId: null, toAppId: null, notice: 'release_thread_control', fromStreamSeq });
  }

  /**
   * The owner was removed from the Page (a new registration left it out): the thread goes idle, as
   * at Meta when an app leaves a Page, so the user's next message finds the default app instead
   * of an app that can neither receive it nor answer. Applied when the thread is next routed.
   */
  ownerRemoved(tx: ThreadTx, view: PageView, fromStreamSeq?: number): Promise<OutboxMessage[]> {
    return this.changeOwner(tx, view, { action: 'app_removed', actorAppId: null, toAppId: null, metadata: APP_REMOVED_METADATA, fromStreamSeq });
  }

  /**
   * Moves the thread to `toAppId` (null: idle), audits it and queues the handover events and the
   * owner-changed fact (read models learn of every change, a plain release included).
   */
  async changeOwner(tx: ThreadTx, view: PageView, c: OwnerChange): Promise<OutboxMessage[]> {
    const now = this.clock.now();
    const from = tx.thread.ownerAppId;
    // A change Meta reported (the Inbox took the thread, or gave it back) is already Meta's state:
    // mirroring it back would be refused (our app no longer controls the thread) and fail routing.
    if (SUITE_DECIDED.has(c.action)) await this.inbox.onOwnerChangeBestEffort(view, tx.thread.psid, from, c.toAppId, c.action, c.metadata);
    else if (c.action !== 'external') await this.inbox.onOwnerChange(view, tx.thread.psid, from, c.toAppId, c.metadata);
    const streamSeq = c.fromStreamSeq ?? (await this.positions.current());
    Object.assign(tx.thread, {
      ownerAppId: c.toAppId,
      // Never before an event already routed (lastEventSeq): the position of a command is read
      // before the lock, and events routed meanwhile went to the previous owner; a redelivery of
      // one of them must go there again.
      ownerSinceSeq: Math.max(streamSeq, tx.thread.ownerSinceSeq, tx.thread.lastEventSeq),
      ownerSince: c.toAppId ? now : null,
      lastActivityAt: now,
      expiresAt: c.toAppId ? this.expiryFrom(now) : null,
    });
    await tx.saveThread();
    this.markChanged(tx);
    await tx.audit({ ...auditBase(tx, now), streamSeq: tx.thread.ownerSinceSeq, action: c.action, actorAppId: c.actorAppId, fromAppId: from, toAppId: c.toAppId, metadata: c.metadata ?? null });
    const handovers = this.handoverNotices(tx, view, c, from, now);
    const notifiedAppIds = handovers.map((h) => String(h.payload.appId));
    const fact = ownerChangedFact(tx.thread, { action: c.action, actorAppId: c.actorAppId, fromAppId: from, metadata: c.metadata, notifiedAppIds, at: now, correlationId: c.correlationId });
    return tx.enqueue([...handovers, fact], now);
  }

  /** The `messaging_handovers` event of a change for the bots involved (the previous and the new owner). */
  private handoverNotices(tx: ThreadTx, view: PageView, c: OwnerChange, from: string | null, now: Date): OutboxMessage[] {
    if (!c.notice) return [];
    const body = { previous_owner_app_id: from, new_owner_app_id: c.toAppId, metadata: c.metadata ?? null, ...(c.action === 'idle_timeout' || c.action === 'bot_unhealthy' ? { reason: c.action } : {}) };
    const recipients = [from, c.toAppId].filter((a): a is string => a !== null);
    return this.notices(view, { kind: c.notice, body, at: now, tx, correlationId: c.correlationId }, recipients);
  }

  /**
   * After commit, every replica's routing cache learns the new owner (once per transaction). The
   * broadcast joins the turn's other NATS writes (the handover events published right after
   * commit): one socket write instead of two. The cache is only a hint (routing's writes are
   * version-checked), so learning it a turn later costs at most one locked routing.
   */
  private markChanged(tx: ThreadTx): void {
    if (tx.ownerChanged) return;
    tx.ownerChanged = true;
    tx.afterCommit.push(() => this.nats.writes.defer(() => this.cache.announceChange(tx.thread)));
  }

  expiryFrom(activity: Date): Date {
    return new Date(activity.getTime() + this.settings.ownership.idleTimeoutMs);
  }

  private notices(view: PageView, n: { kind: HandoverNotice['kind']; body: Record<string, unknown>; at: Date; tx: ThreadTx; correlationId?: string }, recipients: string[]) {
    const bots = recipients.filter((appId) => view.apps.some((a) => a.appId === appId && a.role === 'bot' && a.subscribed));
    const notice = { kind: n.kind, pageId: view.page.id, psid: n.tx.thread.psid, body: n.body, ownerAppId: n.tx.thread.ownerAppId, at: n.at, correlationId: n.correlationId };
    return handoverDeliveries(notice, bots);
  }

  /**
   * The stream position is read before taking the row lock (no network call while holding it):
   * events stored while the change is in flight are routed by the new owner — the change was
   * already under way — never by an owner that was not yet or no longer valid.
   */
  private async inKnownThread(cmd: ThreadCommand, view: PageView, work: (tx: ThreadTx, position: number) => Promise<OutboxMessage[]>): Promise<typeof SUCCESS> {
    const position = await this.positions.current();
    const messages = await this.threads.inThreadTransaction(cmd.pageId, cmd.psid, async (tx) => {
      if (tx.isNew) throw unknownThread(cmd.pageId, cmd.psid);
      // An owner whose time ran out is no owner, even before the sweep comes by: the thread lapses
      // first (as a send or a routed event would make it), then the command is judged.
      const lapsed = this.hasLapsed(tx) ? await this.lapse(tx, view, position) : [];
      return [...lapsed, ...(await work(tx, position))];
    });
    await this.outbox.publishNow(messages);
    return SUCCESS;
  }
}

function facts(tx: ThreadTx, view: PageView): OwnershipFacts {
  return { ownerAppId: tx.thread.ownerAppId, defaultOwnerAppId: view.page.defaultOwnerAppId };
}

function change(cmd: ThreadCommand, action: OwnerChange['action'], toAppId: string | null, fromStreamSeq: number): OwnerChange {
  return { action, actorAppId: cmd.actorAppId, toAppId, metadata: cmd.metadata, correlationId: cmd.correlationId, fromStreamSeq };
}

function auditBase(tx: ThreadTx, at: Date) {
  return { pageId: tx.thread.pageId, psid: tx.thread.psid, at };
}

function unknownThread(pageId: string, psid: string): DomainError {
  return new DomainError(ErrorCode.UnknownThread, `no conversation with user ${psid} on page ${pageId}`);
}

/** Audit metadata of a thread that went idle because its owner left the Page. */
export const APP_REMOVED_METADATA = 'app_removed: the owner is no longer an app of the Page';

/** An owner that is not (or no longer) one of the Page's apps. */
export function ownerLeft(view: PageView, ownerAppId: string | null): boolean {
  return ownerAppId !== null && !view.apps.some((a) => a.appId === ownerAppId);
}
