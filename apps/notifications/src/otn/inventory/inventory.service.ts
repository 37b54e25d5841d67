import { Injectable } from '@nestjs/common';
import { Clock } from '@app/platform';
import { TokensRepository, type TokenGroup, type TopicStateCounts } from '../tokens.repository.js';

/** Bounds the per-user listing; a Page with more users pages by `psid`. */
const MAX_USER_ROWS = 1000;

export interface TokenInventory {
  pageId: string;
  psid?: string;
  asOf: string;
  byTopic: TokenGroup[];
  byUser: TokenGroup[];
  /** Every token ever captured, per topic and state (valid, reserved, used, expired, invalid). */
  byTopicState: TopicStateCounts[];
  /** True when byUser hit MAX_USER_ROWS. */
  truncated: boolean;
}

/** What a Page can still notify about: counts and expiries of valid tokens, never the tokens. */
@Injectable()
export class InventoryService {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly clock: Clock,
  ) {}

  async inventory(pageId: string, psid?: string): Promise<TokenInventory> {
    const now = this.clock.now();
    const [byTopic, byUser, byTopicState] = await Promise.all([
      this.tokens.validByTopic(pageId, now, psid),
      this.tokens.validByUser(pageId, now, psid, MAX_USER_ROWS + 1),
      this.tokens.countsByTopicAndState(pageId, now, psid),
    ]);
    const truncated = byUser.length > MAX_USER_ROWS;
    return { pageId, ...(psid ? { psid } : {}), asOf: now.toISOString(), byTopic, byUser: byUser.slice(0, MAX_USER_ROWS), byTopicState, truncated };
  }
}
