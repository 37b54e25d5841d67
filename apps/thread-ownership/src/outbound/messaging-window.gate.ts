import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, GetMessagingWindow, RpcError, type MessagingWindow } from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { Clock, DomainError } from '@app/platform';
import { ThreadOwnershipSettings } from '../config/thread-ownership-settings.js';
import type { PageAppEntity } from '../pages/page-app.entity.js';

export interface WindowQuestion {
  pageId: string;
  psid: string;
  messagingType: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
  tag?: string;
  /** The message to send: CUSTOMER_FEEDBACK must be the Customer Feedback template. */
  message?: Record<string, unknown>;
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
    private readonly settings: ThreadOwnershipSettings,
  ) {}

  /**
   * The tags' own rules (§5.2): HUMAN_AGENT for the Page Inbox within 7 days of the user's last
   * message; CUSTOMER_FEEDBACK only as the Customer Feedback template, within the same 7 days;
   * NON_PROMOTIONAL_SUBSCRIPTION only where the operator allowed it (news Pages). Anything else:
   * the 24-hour window.
   */
  async check(q: WindowQuestion, sender: PageAppEntity): Promise<void> {
    const tag = q.messagingType === 'MESSAGE_TAG' ? q.tag : undefined;
    if (tag === 'NON_PROMOTIONAL_SUBSCRIPTION') return this.checkNewsPage();
    if (tag === 'HUMAN_AGENT' && sender.role !== 'inbox') {
      throw new DomainError(ErrorCode.NotAllowed, 'the HUMAN_AGENT tag is for human agents (the Page Inbox) only');
    }
    if (tag === 'CUSTOMER_FEEDBACK' && templateTypeOf(q.message) !== 'customer_feedback') {
      throw new DomainError(ErrorCode.NotAllowed, 'the CUSTOMER_FEEDBACK tag is only for the Customer Feedback template (template_type customer_feedback)');
    }
    const sevenDays = tag === 'HUMAN_AGENT' || tag === 'CUSTOMER_FEEDBACK';
    const window = await this.ask(q);
    const until = sevenDays ? window.humanAgentUntil : window.standardUntil;
    if (!until || new Date(until) <= this.clock.now()) {
      throw new DomainError(ErrorCode.OutsideMessagingWindow, `outside the ${sevenDays ? '7-day' : '24-hour'} messaging window${tag ? ` of ${tag}` : ''}`, {
        lastInteractionAt: window.lastInteractionAt,
      });
    }
  }

  private checkNewsPage(): void {
    if (this.settings.outbound.allowNonPromotionalSubscription) return;
    throw new DomainError(
      ErrorCode.NotAllowed,
      "the NON_PROMOTIONAL_SUBSCRIPTION tag is for news Pages in Meta's News Page Index only (an operator allows it with ALLOW_NON_PROMOTIONAL_SUBSCRIPTION)",
    );
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

function templateTypeOf(message: Record<string, unknown> | undefined): unknown {
  const attachment = message?.attachment as { payload?: { template_type?: unknown } } | undefined;
  return attachment?.payload?.template_type;
}
