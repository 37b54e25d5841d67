import { Injectable } from '@nestjs/common';
import { PageInstallApi } from '@app/graph-api';
import { PeriodicTask } from '@app/platform';
import type { PageEntity } from '../pages/page.entity.js';
import { checkPageToken } from './install-rules.js';
import { OnboardingConfig } from './onboarding-config.js';
import { SharedServices } from './shared-services.js';

export interface RecheckResult {
  checked: number;
  flagged: string[];
  /** Pages whose check could not run (Graph unavailable): left as they were. */
  skipped: string[];
}

/**
 * Tokens die without a send noticing (password change, admin removed, app removed, §6.3):
 * every valid Page token is checked with debug_token on a timer, and a dead one flags the Page
 * `needs_reauth`. Off while onboarding is not configured (debug_token needs the app id).
 */
@Injectable()
export class PageTokenRecheck extends PeriodicTask<RecheckResult> {
  constructor(
    private readonly config: OnboardingConfig,
    private readonly shared: SharedServices,
  ) {
    super();
  }

  /** Off while onboarding is not configured (debug_token needs the app id). */
  protected intervalMs(): number {
    return this.config.configured ? this.config.recheckIntervalMs : 0;
  }

  recheckAll(): Promise<RecheckResult> {
    return this.runOnce();
  }

  protected async runPass(): Promise<RecheckResult> {
    const settings = this.config.require();
    const api = new PageInstallApi(this.shared.graph, settings);
    const result: RecheckResult = { checked: 0, flagged: [], skipped: [] };
    const pages = (await this.shared.pages.listPages()).filter((page) => page.tokenStatus === 'valid');
    for (const page of pages) {
      const verdict = await this.check(api, page, settings.appId);
      if (verdict === 'skipped') result.skipped.push(page.id);
      else result.checked += 1;
      if (verdict === 'dead' && (await this.shared.pages.tokenRefused(page, this.shared.clock.now()))) result.flagged.push(page.id);
      if (verdict === 'alive') await this.shared.pages.tokenConfirmed(page, this.shared.clock.now());
    }
    if (result.flagged.length > 0) this.logger.warn({ pageIds: result.flagged }, 'page tokens no longer valid; the pages need a new install');
    return result;
  }

  private async check(api: PageInstallApi, page: PageEntity, appId: string): Promise<'alive' | 'dead' | 'skipped'> {
    let info;
    try {
      info = await api.debugToken(this.shared.pages.openToken(page));
    } catch (error) {
      this.logger.warn({ err: error, pageId: page.id }, 'debug_token failed; token left as it was');
      return 'skipped';
    }
    try {
      checkPageToken(page.id, info, appId);
      return 'alive';
    } catch {
      return 'dead';
    }
  }
}
