import { Injectable } from '@nestjs/common';
import { CheckParticipant } from '@app/contracts';
import { RpcClient } from '@app/messaging';
import { asDomainError } from '../core/errors.js';

/** How long a confirmed membership is trusted: a removal or unsubscription takes this long to bite here. */
const CONFIRMED_FOR_MS = 30_000;
const MAX_REMEMBERED = 10_000;

/**
 * Whether a bot may act on a Page here at all: a subscribed app of that Page, as thread-ownership
 * (which owns the registry) says. Asked before anything else, so an app not on a Page cannot
 * probe whether the Page's users agreed to a topic (the order of the refusals would tell) nor
 * hold their tokens or throttle slots. Confirmations are remembered for a short while; refusals
 * are not (the app may be added any moment).
 */
@Injectable()
export class Participants {
  private readonly confirmed = new Map<string, number>();

  constructor(private readonly rpc: RpcClient) {}

  async assert(pageId: string, appId: string): Promise<void> {
    const key = `${pageId}\u0000${appId}`;
    if ((this.confirmed.get(key) ?? 0) > Date.now()) return;
    try {
      await this.rpc.call(CheckParticipant, { pageId, appId });
    } catch (error) {
      throw asDomainError(error);
    }
    if (this.confirmed.size >= MAX_REMEMBERED) this.confirmed.clear();
    this.confirmed.set(key, Date.now() + CONFIRMED_FOR_MS);
  }
}
