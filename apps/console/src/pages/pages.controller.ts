import { Controller, Get, Header, HttpCode, Param, Post, UseFilters, UseGuards } from '@nestjs/common';
import { appIdSchema, pageIdSchema } from '@app/contracts';
import { ZodPayloadPipe } from '@app/platform';
import { LoginRequiredFilter, SessionGuard } from '../auth/session.guard.js';
import { LiveUpdates } from '../live/live-updates.service.js';
import { UpstreamErrorFilter } from '../upstream/upstream-error.filter.js';
import { pageCard } from './page-views.js';
import { PagesOverviewService } from './pages-overview.service.js';

const pageIdPipe = new ZodPayloadPipe(pageIdSchema);

/** A Page's card (refreshed in place) and the resubscribe action for one of its bots. */
@Controller()
@UseGuards(SessionGuard)
@UseFilters(LoginRequiredFilter, UpstreamErrorFilter)
export class PagesController {
  constructor(
    private readonly pages: PagesOverviewService,
    private readonly live: LiveUpdates,
  ) {}

  @Get('fragments/pages/:pageId')
  @Header('content-type', 'text/html; charset=utf-8')
  async card(@Param('pageId', pageIdPipe) pageId: string): Promise<string> {
    return pageCard(await this.pages.one(pageId)).value;
  }

  @Post('actions/pages/:pageId/apps/:appId/resubscribe')
  @HttpCode(200)
  async resubscribe(@Param('pageId', pageIdPipe) pageId: string, @Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string): Promise<{ ok: true }> {
    await this.pages.resubscribe(pageId, appId);
    this.live.publish({ type: 'page', pageId });
    return { ok: true };
  }
}
