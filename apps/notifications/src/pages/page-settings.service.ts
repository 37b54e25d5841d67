import { Injectable } from '@nestjs/common';
import { Clock } from '@app/platform';
import { NotificationsSettings } from '../config/settings.js';
import { OtnErrors } from '../core/errors.js';
import { refuse } from '../core/metrics.js';
import { PageSettingsRepository } from './page-settings.repository.js';

export interface PageSettingsView {
  pageId: string;
  otnEnabled: boolean;
  /** `default`: no row for the Page, OTN_ENABLED_BY_DEFAULT decided. */
  source: 'page' | 'default';
}

/** Per-Page permission for One-Time Notifications (granted by Meta in Advanced Messaging). */
@Injectable()
export class PageSettingsService {
  /** Wall-clock TTL (not the injected Clock): it bounds staleness, it is not a domain time. */
  private readonly cache = new Map<string, { view: PageSettingsView; until: number }>();

  constructor(
    private readonly repository: PageSettingsRepository,
    private readonly settings: NotificationsSettings,
    private readonly clock: Clock,
  ) {}

  async get(pageId: string): Promise<PageSettingsView> {
    const stored = await this.repository.otnEnabled(pageId);
    if (stored === undefined) return { pageId, otnEnabled: this.settings.otnEnabledByDefault, source: 'default' };
    return { pageId, otnEnabled: stored, source: 'page' };
  }

  async set(pageId: string, otnEnabled: boolean): Promise<PageSettingsView> {
    await this.repository.save(pageId, otnEnabled, this.clock.now());
    this.cache.delete(pageId);
    return { pageId, otnEnabled, source: 'page' };
  }

  /** Both the ask and the notification need the permission: Meta refuses them otherwise. */
  async assertOtnEnabled(pageId: string): Promise<void> {
    if ((await this.cached(pageId)).otnEnabled) return;
    refuse('otn_not_enabled');
    throw OtnErrors.notEnabled(pageId);
  }

  private async cached(pageId: string): Promise<PageSettingsView> {
    const hit = this.cache.get(pageId);
    if (hit && hit.until > Date.now()) return hit.view;
    const view = await this.get(pageId);
    this.cache.set(pageId, { view, until: Date.now() + this.settings.settingsCacheMs });
    return view;
  }
}
