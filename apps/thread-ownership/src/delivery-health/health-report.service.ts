import { Injectable } from '@nestjs/common';
import { millis } from '@nats-io/nats-core';
import { botConsumerName, ErrorCode } from '@app/contracts';
import { DomainError } from '@app/platform';
import { BotAppsRepository } from '../access/bot-apps.repository.js';
import { BotConsumers } from '../access/bot-consumers.service.js';
import { DeliveryHealthRepository } from './delivery-health.repository.js';
import { DeliveryHealthService } from './delivery-health.service.js';

/** The admin views of delivery health: every app's state, and one app's details and recent errors. */
@Injectable()
export class HealthReport {
  constructor(
    private readonly repository: DeliveryHealthRepository,
    private readonly apps: BotAppsRepository,
    private readonly consumers: BotConsumers,
    private readonly health: DeliveryHealthService,
  ) {}

  async list() {
    const rows = new Map((await this.repository.findAll()).map((r) => [r.appId, r]));
    const appIds = [...new Set([...(await this.apps.distinctBotAppIds()), ...rows.keys()])].sort();
    return {
      data: appIds.map((appId) => {
        const row = rows.get(appId);
        return { appId, state: row?.state ?? 'healthy', failingSince: row?.failingSince ?? null, lastFailureAt: row?.lastFailureAt ?? null, lastSuccessAt: row?.lastSuccessAt ?? null };
      }),
    };
  }

  async describe(appId: string, errorLimit: number) {
    const [row, pages, errors] = await Promise.all([this.repository.find(appId), this.apps.memberships(appId), this.repository.recentErrors(appId, errorLimit)]);
    if (!row && pages.length === 0) throw new DomainError(ErrorCode.UnknownApp, `app ${appId} is not a bot of any page`);
    const info = await this.consumers.info(appId).catch(() => null);
    const failingSince = row?.state === 'failing' ? row.failingSince : null;
    return {
      appId,
      state: row?.state ?? 'healthy',
      failingSince,
      /** When the app will be unsubscribed if nothing succeeds before. */
      unsubscribesAt: failingSince ? new Date(failingSince.getTime() + this.health.unhealthyAfterMs) : null,
      unhealthyAfterMs: this.health.unhealthyAfterMs,
      lastFailureAt: row?.lastFailureAt ?? null,
      lastSuccessAt: row?.lastSuccessAt ?? null,
      unhealthyAt: row?.unhealthyAt ?? null,
      unsubscribedByHealth: row?.unsubscribedPages ?? [],
      pages: pages.map((p) => ({ pageId: p.pageId, subscribed: p.subscribed })),
      counters: {
        acks: row?.acks ?? 0,
        naks: row?.naks ?? 0,
        timeouts: row?.timeouts ?? 0,
        redeliveries: row?.redeliveries ?? 0,
        maxDeliveries: row?.maxDeliveries ?? 0,
        terminated: row?.terminated ?? 0,
      },
      consumer: info && {
        name: botConsumerName(appId),
        pending: info.num_pending,
        ackPending: info.num_ack_pending,
        redelivered: info.num_redelivered,
        pullRequests: info.num_waiting,
        deliveredStreamSeq: info.delivered.stream_seq,
        ackFloorStreamSeq: info.ack_floor.stream_seq,
        ackWaitMs: millis(info.config.ack_wait ?? 0),
        maxDeliver: info.config.max_deliver,
      },
      recentErrors: errors.map((e) => ({
        at: e.at,
        kind: e.kind,
        streamSeq: e.streamSeq,
        deliveryCount: e.deliveryCount,
        idempotencyKey: e.idempotencyKey,
        pageId: e.pageId,
        psid: e.psid,
        reason: e.reason,
      })),
    };
  }
}
