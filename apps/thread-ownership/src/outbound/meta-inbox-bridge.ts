import { Injectable } from '@nestjs/common';
import { PAGE_INBOX_APP_ID } from '@app/contracts';
import { GraphClient } from '@app/graph-api';
import type { PageView } from '../pages/pages.service.js';
import { PagesService } from '../pages/pages.service.js';
import { isInvalidToken, toDomainError } from './graph-errors.js';

/**
 * Keeps Meta in step when a thread moves to or from the Page Inbox: human agents work in Meta's
 * inbox, which only shows a conversation as theirs once Meta's own thread control says so.
 * Handovers between the suite's bots stay inside the suite (Meta sees one app: ours).
 */
@Injectable()
export class MetaInboxBridge {
  constructor(
    private readonly graph: GraphClient,
    private readonly pages: PagesService,
  ) {}

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
