import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, GetMessagingWindow, RpcError, type MessagingWindow } from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { Clock, DomainError } from '@app/platform';
import type { PageAppEntity } from '../pages/page-app.entity.js';

export interface WindowQuestion {
  pageId: string;
  psid: string;
  messagingType: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
  tag?: string;
  minEventSeq: number;
  correlationId?: string;
}

/**
 * Asks the notifications service — the one owner of the 24-hour window — whether a standard
 * message may go out now. If it cannot answer, the message is refused (fail closed): sending
 * outside the window gets a Page restricted.
 */
@Injectable()
export class MessagingWindowGate {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async check(q: WindowQuestion, sender: PageAppEntity): Promise<void> {
    if (q.messagingType === 'MESSAGE_TAG' && q.tag !== 'HUMAN_AGENT') return; // other tags: Meta's own rules decide
    if (q.tag === 'HUMAN_AGENT' && sender.role !== 'inbox') {
      throw new DomainError(ErrorCode.NotAllowed, 'the HUMAN_AGENT tag is for human agents (the Page Inbox) only');
    }
    const window = await this.ask(q);
    const until = q.tag === 'HUMAN_AGENT' ? window.humanAgentUntil : window.standardUntil;
    if (!until || new Date(until) <= this.clock.now()) {
      throw new DomainError(ErrorCode.OutsideMessagingWindow, `outside the ${q.tag === 'HUMAN_AGENT' ? '7-day human agent' : '24-hour'} messaging window`, {
        lastInteractionAt: window.lastInteractionAt,
      });
    }
  }

  private async ask(q: WindowQuestion): Promise<MessagingWindow> {
    try {
      return await this.rpc.call(GetMessagingWindow, { pageId: q.pageId, psid: q.psid, minEventSeq: q.minEventSeq }, { correlationId: q.correlationId });
    } catch (error) {
      const code = error instanceof RpcError ? error.code : 'unknown';
      throw new DomainError(ErrorCode.Unavailable, `cannot confirm the messaging window (${code}); not sending`);
    }
  }
}
