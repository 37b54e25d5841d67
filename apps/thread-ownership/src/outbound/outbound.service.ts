import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, OUTBOUND_SENT_SUBJECT, PAGE_INBOX_APP_ID, type OutboundMessageSent, type OutgoingMessage, type SendResult } from '@app/contracts';
import { GraphClient } from '@app/graph-api';
import { JetStreamPublisher } from '@app/messaging';
import { Clock, counter, DomainError, retryBriefly, TokenCipher } from '@app/platform';
import { OutboxPublisher } from '../delivery/outbox-publisher.service.js';
import type { PageAppEntity } from '../pages/page-app.entity.js';
import { PagesService, type PageView } from '../pages/pages.service.js';
import { actsAsOwner, checkMetadata, checkPass, notOwner } from '../threads/ownership-rules.js';
import { OwnershipService } from '../threads/ownership.service.js';
import { ThreadsRepository, type OutboxMessage, type ThreadTx } from '../threads/threads.repository.js';
import { isInvalidToken, toDomainError } from './graph-errors.js';
import { MessagingWindowGate } from './messaging-window.gate.js';
import type { ThreadControl } from './sent-message.entity.js';
import { SentMessagesRepository } from './sent-messages.repository.js';

export interface OutboundMessage {
  appId: string;
  pageId: string;
  psid: string;
  message: OutgoingMessage;
  messagingType?: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
  tag?: string;
  threadControl?: { controlType: 'pass' | 'release'; appId?: string; metadata?: string };
  /** A one-time notification: the sealed token is the recipient (§3). */
  sealedOneTimeNotifToken?: string;
  /** The sender's key: a repeat answers with the first send's result (SendMessage contract). */
  idempotencyKey?: string;
  correlationId?: string;
}

/** Set once Meta accepted the message: from then on the send must not be forgotten. */
interface TakenByMeta {
  result?: SendResult;
}

interface EarlierSend {
  result: SendResult;
  pendingControl: ThreadControl | null;
}

const sends = counter({ name: 'outbound_sends_total', help: 'Sends by outcome: sent, repeat (an idempotency key already sent; nothing sent again) or the error code', labelNames: ['outcome'] });

/**
 * The one path to Meta's Send API. The thread stays locked from the owner check to the recorded
 * send, so a handover can never slip between "you are the owner" and the message going out, and
 * a repeat of a keyed send (which the lock makes wait for the first) finds it recorded.
 */
@Injectable()
export class OutboundService {
  private readonly logger = new Logger(OutboundService.name);

  constructor(
    private readonly pages: PagesService,
    private readonly threads: ThreadsRepository,
    private readonly ownership: OwnershipService,
    private readonly window: MessagingWindowGate,
    private readonly graph: GraphClient,
    private readonly cipher: TokenCipher,
    private readonly sent: SentMessagesRepository,
    private readonly outbox: OutboxPublisher,
    @Inject(Clock) private readonly clock: Clock,
    private readonly publisher: JetStreamPublisher,
  ) {}

  async send(req: OutboundMessage): Promise<SendResult> {
    const { view, app } = await this.pages.participant(req.pageId, req.appId);
    const taken: TakenByMeta = {};
    try {
      const { result, outboxIds, repeat } = await this.threads.inThreadTransaction(req.pageId, req.psid, (tx) => this.sendLocked(tx, view, app, req, taken));
      await this.outbox.publishNow(outboxIds);
      if (repeat) {
        sends.inc({ outcome: 'repeat' });
        return result;
      }
      sends.inc({ outcome: 'sent' });
      await this.publishSent(req, result);
      return result;
    } catch (error) {
      if (taken.result) await this.recordInDoubt(req, taken.result);
      sends.inc({ outcome: error instanceof DomainError ? error.code : 'error' });
      // In the background: the bot gets Meta's refusal now, not after another Graph call.
      if (isMetaNotOwnerRefusal(error)) void this.adoptInboxOwnership(view, req.psid);
      throw error;
    }
  }

  /**
   * Meta refused the send because another app controls the thread (10/2018300, 100/2534037), so
   * the suite's owner is stale: a human may have taken the conversation in Business Suite without
   * a webhook reaching us. §2.10: ask Meta (`GET thread_owner`); if the Page Inbox holds it, the
   * thread moves to the inbox here too (the bot is told, like for Meta's own take), so bots stop
   * talking over the human. Another owner the suite cannot name is left alone. Best effort: the
   * bot gets Meta's refusal either way. Only if the thread did not change hands here meanwhile
   * (the human may have handed it back between Meta's answer and the lock).
   */
  private async adoptInboxOwnership(view: PageView, psid: string): Promise<void> {
    try {
      const before = await this.threads.findThread(view.page.id, psid);
      if (!before || before.ownerAppId === PAGE_INBOX_APP_ID) return;
      const metaOwner = await this.graph.threadOwner(view.page.id, this.pages.accessToken(view), psid);
      if (metaOwner !== PAGE_INBOX_APP_ID) return;
      const outboxIds = await this.threads.inThreadTransaction(view.page.id, psid, async (tx) => {
        const unchanged = tx.thread.ownerAppId === before.ownerAppId && tx.thread.ownerSinceSeq === before.ownerSinceSeq;
        if (tx.isNew || !unchanged) return [];
        return this.ownership.changeOwner(tx, view, { action: 'external', actorAppId: PAGE_INBOX_APP_ID, toAppId: PAGE_INBOX_APP_ID, notice: 'take_thread_control' });
      });
      await this.outbox.publishNow(outboxIds);
      if (outboxIds.length > 0) this.logger.log({ pageId: view.page.id, psid }, 'Meta says the Page Inbox controls the thread: moved it to the inbox');
    } catch (error) {
      this.logger.warn({ pageId: view.page.id, psid, err: error }, 'could not ask Meta who controls the thread after a refused send');
    }
  }

  private async sendLocked(tx: ThreadTx, view: PageView, app: PageAppEntity, req: OutboundMessage, taken: TakenByMeta): Promise<{ result: SendResult; outboxIds: OutboxMessage[]; repeat?: true }> {
    if (tx.isNew) throw new DomainError(ErrorCode.UnknownThread, `no conversation with user ${req.psid} on page ${req.pageId}`);
    // A repeat answers as the first send did, whatever changed since (owner, window): the message
    // is out. Only a pass or release that did not commit with it (recordInDoubt) is done now.
    const earlier = await this.earlierSend(tx, req);
    if (earlier) return { result: earlier.result, outboxIds: await this.completeControl(tx, view, req, earlier), repeat: true };
    const outboxIds: OutboxMessage[] = this.ownership.hasLapsed(tx) ? await this.ownership.lapse(tx, view) : [];
    this.checkSender(tx, view, req);
    checkMetadata(req.threadControl?.metadata);
    const passTarget = this.passTargetOf(tx, view, req); // refused before anything is sent
    if (!req.sealedOneTimeNotifToken) {
      const question = { ...req, messagingType: req.messagingType ?? 'RESPONSE', minEventSeq: tx.thread.lastEventSeq };
      await this.window.check(question, app);
    }
    const result = await this.callSendApi(view, req);
    taken.result = result;
    await this.sent.recordIn(tx, { messageId: result.message_id, appId: req.appId, pageId: req.pageId, psid: req.psid, sentAt: this.clock.now(), idempotencyKey: req.idempotencyKey });
    outboxIds.push(...(await this.afterSend(tx, view, req, passTarget)));
    return { result, outboxIds };
  }

  private async earlierSend(tx: ThreadTx, { pageId, psid, appId, idempotencyKey }: OutboundMessage): Promise<EarlierSend | null> {
    if (idempotencyKey === undefined) return null;
    const sent = await this.sent.sentWithKey(tx, { pageId, psid, appId, idempotencyKey });
    return sent && { result: { recipient_id: psid, message_id: sent.messageId }, pendingControl: sent.pendingControl };
  }

  /** The pass or release of an earlier send whose transaction failed after Meta took the message. */
  private async completeControl(tx: ThreadTx, view: PageView, req: OutboundMessage, earlier: EarlierSend): Promise<OutboxMessage[]> {
    if (!earlier.pendingControl) return [];
    const original = { ...req, threadControl: earlier.pendingControl };
    const outboxIds = await this.afterSend(tx, view, original, this.passTargetOf(tx, view, original));
    await this.sent.controlDone(tx, earlier.result.message_id);
    return outboxIds;
  }

  /**
   * Meta took the message but the send's transaction failed (the database went away, Meta refused
   * the pass to the Page Inbox that rode on it …): the message is recorded anyway, on a fresh
   * connection and for about 3 s, with its thread control still to do, so that a repeat of its
   * key completes the control instead of messaging the user a second time.
   */
  private async recordInDoubt(req: OutboundMessage, result: SendResult): Promise<void> {
    const { appId, pageId, psid, idempotencyKey } = req;
    const row = { messageId: result.message_id, appId, pageId, psid, sentAt: this.clock.now(), idempotencyKey, pendingControl: req.threadControl ?? null };
    try {
      await retryBriefly(() => this.sent.record(row), () => undefined);
      this.logger.warn({ messageId: row.messageId, pendingControl: row.pendingControl?.controlType }, 'message sent but its transaction failed: recorded for a repeat to complete');
    } catch (error) {
      this.logger.error({ err: error, messageId: row.messageId }, 'message sent but not recorded: a repeat of its key would send it again');
    }
  }

  /** The `events.outbound.sent` fact for read models (operator console): best effort, never fails a send Meta accepted. */
  private async publishSent(req: OutboundMessage, result: SendResult): Promise<void> {
    const { appId, pageId, psid, tag, message, correlationId } = req;
    const otn = req.sealedOneTimeNotifToken !== undefined;
    const messagingType = otn ? undefined : (req.messagingType ?? 'RESPONSE');
    const fact: OutboundMessageSent = { messageId: result.message_id, appId, pageId, psid, sentAt: this.clock.now().toISOString(), messagingType, tag, oneTimeNotification: otn, message, correlationId };
    await this.publisher
      .publish(OUTBOUND_SENT_SUBJECT, fact, { msgID: `outbound:${result.message_id}`, correlationId })
      .catch((error: unknown) => this.logger.warn({ err: error, messageId: result.message_id }, 'outbound fact not published'));
  }

  /** Only the owner sends; a notification may also go out while the thread is idle. */
  private checkSender(tx: ThreadTx, view: PageView, req: OutboundMessage): void {
    const owner = tx.thread.ownerAppId;
    const allowed = req.sealedOneTimeNotifToken
      ? owner === null || owner === req.appId
      : actsAsOwner({ ownerAppId: owner, defaultOwnerAppId: view.page.defaultOwnerAppId }, req.appId);
    if (!allowed) throw notOwner(req.appId);
  }

  private async callSendApi(view: PageView, req: OutboundMessage): Promise<SendResult> {
    try {
      return await this.graph.sendMessage(view.page.id, this.pages.accessToken(view), sendApiBody(req, this.cipher));
    } catch (error) {
      if (isInvalidToken(error)) await this.pages.tokenRefused(view.page, this.clock.now());
      throw toDomainError(error);
    }
  }

  /** The app a `thread_control: pass` goes to, checked like a plain pass (undefined without one). */
  private passTargetOf(tx: ThreadTx, view: PageView, req: OutboundMessage): PageAppEntity | undefined {
    if (req.threadControl?.controlType !== 'pass') return undefined;
    const targetId = req.threadControl.appId ?? view.page.defaultOwnerAppId;
    const target = view.apps.find((a) => a.appId === targetId);
    if (!target) throw new DomainError(ErrorCode.UnknownApp, `pass target ${targetId ?? '(default app)'} is not connected to the page`);
    checkPass({ ownerAppId: tx.thread.ownerAppId, defaultOwnerAppId: view.page.defaultOwnerAppId }, req.appId, target);
    return target;
  }

  /** The owner's send is activity (ownership expiry moves on); `thread_control` rides on it. */
  private async afterSend(tx: ThreadTx, view: PageView, req: OutboundMessage, passTarget: PageAppEntity | undefined): Promise<OutboxMessage[]> {
    if (tx.thread.ownerAppId === req.appId) {
      tx.thread.lastActivityAt = this.clock.now();
      tx.thread.expiresAt = this.ownership.expiryFrom(tx.thread.lastActivityAt);
      await tx.saveThread();
    }
    const metadata = req.threadControl?.metadata;
    if (passTarget) return this.ownership.changeOwner(tx, view, { action: 'pass', actorAppId: req.appId, toAppId: passTarget.appId, metadata, notice: 'pass_thread_control' });
    if (req.threadControl?.controlType !== 'release' || tx.thread.ownerAppId !== req.appId) return [];
    return this.ownership.changeOwner(tx, view, { action: 'release', actorAppId: req.appId, toAppId: null, metadata });
  }
}

/** Meta's Send API body (§5.1); a one-time notification has no messaging_type and no tag (§3). */
export function sendApiBody(req: OutboundMessage, cipher: TokenCipher): Record<string, unknown> {
  if (req.sealedOneTimeNotifToken) {
    return { recipient: { one_time_notif_token: cipher.open(req.sealedOneTimeNotifToken) }, message: req.message };
  }
  return {
    recipient: { id: req.psid },
    messaging_type: req.messagingType ?? 'RESPONSE',
    ...(req.tag ? { tag: req.tag } : {}),
    message: req.message,
  };
}

/**
 * Meta (not the suite's own owner check, whose refusal carries Meta's codes too) refused: only
 * an answer from Meta has an HTTP status in its details.
 */
function isMetaNotOwnerRefusal(error: unknown): boolean {
  return error instanceof DomainError && error.code === ErrorCode.NotThreadOwner && typeof error.details?.status === 'number';
}
