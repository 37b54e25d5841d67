import { Injectable } from '@nestjs/common';
import { ErrorCode, type WebhookEventStored } from '@app/contracts';
import { DomainError } from '@app/platform';
import { CaptureService } from '../otn/capture/capture.service.js';
import { WindowService } from '../window/window.service.js';

/** What this service learns from one stored webhook event. Idempotent: redelivery changes nothing. */
@Injectable()
export class EventIngestService {
  constructor(
    private readonly window: WindowService,
    private readonly capture: CaptureService,
  ) {}

  /**
   * Capture first, window (and processed sequence) last: "processed up to N" then means the
   * event is fully handled. A transient capture failure throws before the sequence moves (the
   * event is redelivered); an event that can never be captured still counts as processed, then
   * goes to the dead letters, so window questions about this thread do not wait for it forever.
   */
  async handle(event: WebhookEventStored, streamSeq: number): Promise<void> {
    if (!event.psid) return; // Page-level events (app_roles …) belong to no thread.
    const failure = await this.capture.capture(event).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (failure !== undefined && !isPermanent(failure)) throw failure;
    await this.window.track(event, streamSeq);
    if (failure !== undefined) throw failure;
  }
}

const isPermanent = (error: unknown): boolean => error instanceof DomainError && error.code === ErrorCode.InvalidPayload;
