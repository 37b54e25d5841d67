import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DeliverMessage, type RequestNotification } from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { Clock } from '@app/platform';
import type { z } from 'zod';
import { NotificationsSettings } from '../../config/settings.js';
import { asDomainError, OtnErrors } from '../../core/errors.js';
import { refuse, requestsTotal } from '../../core/metrics.js';
import { PageSettingsService } from '../../pages/page-settings.service.js';
import { Participants } from '../../pages/participants.service.js';
import { isAmbiguousFailure } from '../notify/delivery-outcome.js';
import { isTitleTooLong, optInTemplate, throttleDecision, titleLength } from '../otn.rules.js';
import { RequestsRepository } from './requests.repository.js';

type AskRequest = z.infer<typeof RequestNotification.request>;
export interface AskResult {
  requestId: string;
  message_id: string;
}

/** Sends the "Notify Me" template (one_time_notif_req) on a bot's behalf, at most once per throttle period. */
@Injectable()
export class RequestService {
  constructor(
    private readonly requests: RequestsRepository,
    private readonly pages: PageSettingsService,
    private readonly participants: Participants,
    private readonly rpc: RpcClient,
    private readonly settings: NotificationsSettings,
    private readonly clock: Clock,
  ) {}

  async request(appId: string, ask: AskRequest): Promise<AskResult> {
    await this.participants.assert(ask.pageId, appId);
    if (isTitleTooLong(ask.title)) {
      refuse('title_too_long');
      throw OtnErrors.titleTooLong(titleLength(ask.title));
    }
    await this.pages.assertOtnEnabled(ask.pageId);
    const requestId = await this.record(appId, ask);
    return this.deliver(requestId, appId, ask);
  }

  private async record(appId: string, ask: AskRequest): Promise<string> {
    const id = randomUUID();
    const now = this.clock.now();
    const decision = await this.requests.recordUnlessThrottled({ id, appId, ...ask, requestedAt: now }, (last) =>
      throttleDecision(last, now, this.settings.requestThrottleMs),
    );
    if (!decision.throttled) return id;
    refuse('throttled');
    throw OtnErrors.throttled(decision.retryAfter);
  }

  /** thread-ownership applies the owner and 24 h window rules; its typed errors reach the bot as they are. */
  private async deliver(requestId: string, appId: string, ask: AskRequest): Promise<AskResult> {
    const message = optInTemplate(ask.title, ask.topic);
    const sent = await this.rpc.call(DeliverMessage, { appId, pageId: ask.pageId, psid: ask.psid, message }).catch(async (error: unknown) => {
      const typed = asDomainError(error);
      // After a timeout the ask may have reached the user, and Meta's "already asked about this
      // topic" (613/1893016) says an ask did: both keep counting for the throttle.
      if (!isAmbiguousFailure(typed) && !isDuplicateOptInRefusal(typed.details)) await this.requests.markFailed(requestId);
      throw typed;
    });
    await this.requests.markSent(requestId, sent.message_id);
    requestsTotal.inc();
    return { requestId, message_id: sent.message_id };
  }
}

/** Meta: "You may not send multiple opt-in requests with the same topic to a user" (§3, §5.6). */
function isDuplicateOptInRefusal(details: Record<string, unknown> | undefined): boolean {
  return Number(details?.code) === 613 && Number(details?.error_subcode) === 1893016;
}
