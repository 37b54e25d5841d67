import { Module } from '@nestjs/common';
import { PagesModule } from '../pages/pages.module.js';
import { CaptureService } from './capture/capture.service.js';
import { ExpirySweep } from './expiry/expiry-sweep.service.js';
import { InventoryController } from './inventory/inventory.controller.js';
import { InventoryService } from './inventory/inventory.service.js';
import { NotifyReplay } from './notify/notify-replay.service.js';
import { NotifyService } from './notify/notify.service.js';
import { RetryScheduler } from './notify/retry.scheduler.js';
import { SendAttempts } from './notify/send-attempts.service.js';
import { SendLedgerRepository } from './notify/send-ledger.repository.js';
import { SendReplaysRepository } from './notify/send-replays.repository.js';
import { OtnController } from './otn.controller.js';
import { RequestsRepository } from './request/requests.repository.js';
import { RequestService } from './request/request.service.js';
import { TokensRepository } from './tokens.repository.js';
import { OtnTokensReseal } from './otn-tokens-reseal.js';

/** One-Time Notification tokens: ask, capture, spend, list, expire. */
@Module({
  imports: [PagesModule],
  controllers: [OtnController, InventoryController],
  providers: [
    TokensRepository,
    OtnTokensReseal,
    RequestsRepository,
    SendLedgerRepository,
    SendReplaysRepository,
    NotifyReplay,
    RequestService,
    CaptureService,
    SendAttempts,
    NotifyService,
    RetryScheduler,
    ExpirySweep,
    InventoryService,
  ],
  exports: [CaptureService],
})
export class OtnModule {}
