import { Injectable } from '@nestjs/common';
import { ErrorCode, type WebhookEventStored } from '@app/contracts';
import type { BatchItem } from '@app/messaging';
import { DomainError } from '@app/platform';
import { CaptureService } from '../otn/capture/capture.service.js';
import { WindowService } from '../window/window.service.js';

type DeadLetter = (item: BatchItem<WebhookEventStored>, reason: string) => Promise<void>;

/** What this service learns from stored webhook events. Idempotent: a redelivery changes nothing. */
@Injectable()
export class EventIngestService {
  constructor(
    private readonly window: WindowService,
    private readonly capture: CaptureService,
  ) {}

  /**
   * One batch, in stream order. Opt-in tokens are captured first, the windows and processed
   * positions written last (one statement): "processed up to N" then means every event up to N
   * is fully handled. A transient capture failure fails the batch (it is retried whole; capture
   * is idempotent); an opt-in that can never be captured goes to the dead letters and still
   * counts as processed, so window questions about its thread do not wait for it forever.
   */
  async handleBatch(batch: Array<BatchItem<WebhookEventStored>>, deadLetter: DeadLetter): Promise<void> {
    const threadEvents = batch.filter((item) => item.payload.psid !== ''); // Page-level events (app_roles …) belong to no thread
    for (const item of threadEvents) {
      const failure = await this.capture.capture(item.payload).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (failure === undefined) continue;
      if (!isPermanent(failure)) throw failure;
      await deadLetter(item, (failure as Error).message);
    }
    await this.window.trackAll(threadEvents.map((item) => ({ event: item.payload, streamSeq: item.meta.streamSeq })));
  }
}

const isPermanent = (error: unknown): boolean => error instanceof DomainError && error.code === ErrorCode.InvalidPayload;
