import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { ErrorCode, opensMessagingWindow, type MessagingWindow, type WebhookEventStored } from '@app/contracts';
import { Clock, DomainError } from '@app/platform';
import { NotificationsSettings } from '../config/settings.js';
import { ThreadWindowRepository, type ThreadWindowState } from './thread-window.repository.js';
import { messagingWindow } from './window.rules.js';

const POLL_MS = 20;

/** The one owner of the 24-hour window: fed by every stored webhook event, asked by thread-ownership. */
@Injectable()
export class WindowService {
  constructor(
    private readonly repository: ThreadWindowRepository,
    private readonly settings: NotificationsSettings,
    private readonly clock: Clock,
  ) {}

  /** Every event of a thread advances its processed sequence; only user interactions open the window (a notification opt-in does not). */
  async trackAll(events: Array<{ event: WebhookEventStored; streamSeq: number }>): Promise<void> {
    await this.repository.record(
      events.map(({ event, streamSeq }) => ({
        pageId: event.pageId,
        psid: event.psid,
        interactionAt: opensMessagingWindow(event.kind, event.event) ? new Date(event.timestamp) : null,
        messageAt: event.kind === 'message' ? new Date(event.timestamp) : null,
        eventSeq: streamSeq,
      })),
    );
  }

  async status(pageId: string, psid: string, minEventSeq?: number): Promise<MessagingWindow> {
    const state = await this.stateAtLeast(pageId, psid, minEventSeq ?? 0);
    return messagingWindow(state?.lastInteractionAt ?? null, this.clock.now(), state?.lastMessageAt ?? null);
  }

  /**
   * thread-ownership routes a user's message to a bot and then asks us about the window, passing
   * that event's sequence. Without waiting, a fast bot reply could be checked against our state
   * from *before* the message (window closed) and be refused wrongly. So we wait, bounded, until
   * our consumer has processed that event; past the bound we answer TIMEOUT, never a stale window.
   */
  private async stateAtLeast(pageId: string, psid: string, minEventSeq: number): Promise<ThreadWindowState | undefined> {
    const deadline = Date.now() + this.settings.windowWaitMs;
    for (;;) {
      const state = await this.repository.find(pageId, psid);
      if ((state?.lastEventSeq ?? 0) >= minEventSeq) return state;
      if (Date.now() >= deadline) throw notCaughtUp(minEventSeq, state?.lastEventSeq ?? 0);
      await sleep(POLL_MS);
    }
  }
}

const notCaughtUp = (minEventSeq: number, processedSeq: number) =>
  new DomainError(ErrorCode.Timeout, `event ${minEventSeq} of this thread has not been processed yet`, { minEventSeq, processedSeq });
