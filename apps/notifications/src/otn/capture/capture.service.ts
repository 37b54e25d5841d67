import { Injectable, Logger } from '@nestjs/common';
import type { WebhookEventStored } from '@app/contracts';
import { invalidPayload, TokenCipher } from '@app/platform';
import { optinsTotal } from '../../core/metrics.js';
import { tokenExpiresAt } from '../otn.rules.js';
import { TokensRepository } from '../tokens.repository.js';
import { parseOtnOptIn } from './otn-optin.js';

/** Stores the token of each OTN opt-in, once, sealed with our key. */
@Injectable()
export class CaptureService {
  private readonly logger = new Logger(CaptureService.name);

  constructor(
    private readonly tokens: TokensRepository,
    private readonly cipher: TokenCipher,
  ) {}

  async capture(event: WebhookEventStored): Promise<void> {
    const optin = parseOtnOptIn(event);
    if (!optin) return;
    const token = this.open(optin.sealedToken, event.eventId);
    const createdAt = new Date(event.timestamp);
    const inserted = await this.tokens.insertCaptured({
      pageId: event.pageId,
      psid: event.psid,
      topic: optin.topic,
      // Sealed again with a fresh IV: the stored value is ours, not the ingress's transport copy.
      sealedToken: this.cipher.seal(token),
      fingerprint: this.cipher.fingerprint(token),
      createdAt,
      expiresAt: tokenExpiresAt(createdAt),
      eventId: event.eventId,
    }, this.cipher.previousFingerprints(token));
    if (inserted) optinsTotal.inc();
    else this.logger.debug({ eventId: event.eventId }, 'opt-in already captured');
  }

  /** A token we cannot open will never open (wrong key or tampered): dead-letter it for an operator. */
  private open(sealed: string, eventId: string): string {
    try {
      return this.cipher.open(sealed);
    } catch {
      throw invalidPayload(`opt-in ${eventId}: the sealed token cannot be opened with this installation's key`);
    }
  }
}
