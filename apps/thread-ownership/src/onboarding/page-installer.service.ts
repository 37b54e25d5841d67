import { Injectable, Logger } from '@nestjs/common';
import { PageInstallApi, MESSENGER_SUBSCRIBED_FIELDS, type ManagedPage } from '@app/graph-api';
import type { PageTokenStatus } from '../pages/page.entity.js';
import { checkPageToken, selectPages } from './install-rules.js';
import { OnboardingConfig, type OnboardingSettings } from './onboarding-config.js';
import { installStep } from './onboarding-errors.js';
import { SharedServices } from './shared-services.js';

export interface InstalledPage {
  pageId: string;
  name: string | null;
  tokenStatus: PageTokenStatus;
  subscribedFields: string[];
}

/**
 * The callback half of the install (§6.1–§6.5): code → short-lived → long-lived user token →
 * the user's Pages and their (non-expiring) Page tokens → debug_token check → webhook
 * subscription → tokens stored sealed. Every check runs before anything is stored.
 */
@Injectable()
export class PageInstaller {
  private readonly logger = new Logger(PageInstaller.name);

  constructor(
    private readonly config: OnboardingConfig,
    private readonly shared: SharedServices,
  ) {}

  async install(code: string, requestedPages: string[]): Promise<InstalledPage[]> {
    const settings = this.config.require();
    const api = new PageInstallApi(this.shared.graph, settings);
    const short = await installStep('exchange the authorization code', () => api.exchangeCode(code, settings.redirectUri));
    const long = await installStep('get a long-lived user token', () => api.exchangeForLongLived(short.access_token));
    const managed = await installStep('list your Pages', () => api.managedPages(long.access_token));
    const pages = selectPages(managed, requestedPages);
    for (const page of pages) {
      const info = await installStep(`check the token of page ${page.id}`, () => api.debugToken(page.access_token));
      checkPageToken(page.id, info, settings.appId);
    }
    for (const page of pages) {
      await installStep(`subscribe the app to page ${page.id}`, () => api.subscribeApp(page.id, page.access_token));
    }
    return Promise.all(pages.map((page) => this.store(page, settings)));
  }

  private async store(page: ManagedPage, settings: OnboardingSettings): Promise<InstalledPage> {
    const view = await this.shared.pages.installToken({ pageId: page.id, name: page.name, accessToken: page.access_token, checkedAt: this.shared.clock.now() });
    this.logger.log({ pageId: page.id, appId: settings.appId }, 'page installed through Facebook Login');
    return { pageId: page.id, name: view.page.name, tokenStatus: view.page.tokenStatus, subscribedFields: [...MESSENGER_SUBSCRIBED_FIELDS] };
  }
}
