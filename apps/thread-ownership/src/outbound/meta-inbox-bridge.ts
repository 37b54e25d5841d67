import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode, PAGE_INBOX_APP_ID } from '@app/contracts';
import { GraphClient } from '@app/graph-api';
import { counter, DomainError } from '@app/platform';
import type { PageView } from '../pages/pages.service.js';
import { PagesService } from '../pages/pages.service.js';
import { isInvalidToken, toDomainError } from './graph-errors.js';

const unmirrored = counter({
  name: 'meta_thread_control_unmirrored_total',
  help: 'Owner changes the suite decided on its own that Meta refused to mirror (the suite keeps its decision)',
  labelNames: ['action'],
});

/**
 * Keeps Meta in step when a thread moves to or from the Page Inbox: human agents work in Meta's
 * inbox, which only shows a conversation as theirs once Meta's own thread control says so.
 * Handovers between the suite's bots stay inside the suite (Meta sees one app: ours).
 */
@Injectable()
export class MetaInboxBridge {
  private readonly logger = new Logger(MetaInboxBridge.name);

  constructor(
    private readonly graph: GraphClient,
    private readonly pages: PagesService,
  ) {}

  /**
   * The same for a change the suite decided on its own (an idle timeout, a default app claiming
   * an idle thread, an unhealthy bot, an app removed): there is no caller to refuse, and failing
   * on Meta's refusal (or a dead Page token) would leave the event that caused it unroutable,
   * retried forever, with every later event of that user held behind it. So a refusal is logged
   * and counted, and the suite keeps its decision; Meta's own state catches up with the next
   * handover (or its 24 h expiry). An outage (Meta unreachable, 5xx, rate limited) still fails
   * the change, which is then retried as before: the move to the inbox is made once Meta is back,
   * rather than never shown to the agents.
   */
  async onOwnerChangeBestEffort(view: PageView, psid: string, from: string | null, to: string | null, action: string, metadata?: string): Promise<void> {
    try {
      await this.onOwnerChange(view, psid, from, to, metadata);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code === ErrorCode.GraphUnavailable) throw error;
      unmirrored.inc({ action });
      this.logger.warn({ pageId: view.page.id, psid, action, from, to, err: error }, 'Meta refused to mirror an owner change the suite made; the suite keeps it');
    }
  }

  async onOwnerChange(view: PageView, psid: string, from: string | null, to: string | null, metadata?: string): Promise<void> {
    if (to === PAGE_INBOX_APP_ID && from !== PAGE_INBOX_APP_ID) {
      await this.call(view, 'pass_thread_control', { recipient: { id: psid }, target_app_id: PAGE_INBOX_APP_ID, metadata });
    } else if (from === PAGE_INBOX_APP_ID && to !== PAGE_INBOX_APP_ID) {
      await this.call(view, 'take_thread_control', { recipient: { id: psid }, metadata });
    }
  }

  /**
   * A bot asks for a thread the Page Inbox (human agents) holds: the suite's app asks Meta, which
   * tells the owner, the inbox (§2.5: a non-owner's request_thread_control reaches the owner).
   */
  async requestFromInbox(view: PageView, psid: string, metadata?: string): Promise<void> {
    await this.call(view, 'request_thread_control', { recipient: { id: psid }, metadata });
  }

  private async call(view: PageView, edge: 'pass_thread_control' | 'take_thread_control' | 'request_thread_control', body: Record<string, unknown>): Promise<void> {
    try {
      await this.graph.threadControl(view.page.id, this.pages.accessToken(view), edge, body);
    } catch (error) {
      if (isInvalidToken(error)) await this.pages.tokenRefused(view.page);
      throw toDomainError(error);
    }
  }
}
