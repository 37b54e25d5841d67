import { Controller, Get, Header, Query, UseFilters, UseGuards } from '@nestjs/common';
import { pageIdSchema } from '@app/contracts';
import { LoginRequiredFilter, SessionGuard } from '../auth/session.guard.js';
import { PagesOverviewService } from '../pages/pages-overview.service.js';
import { ThreadsQueryService } from '../threads/threads-query.service.js';
import { UpstreamError } from '../upstream/upstream-http.js';
import { dashboardPage } from './dashboard-view.js';

/** `GET /`: every conversation (newest first, live) and every Page with its bots. */
@Controller()
@UseGuards(SessionGuard)
@UseFilters(LoginRequiredFilter)
export class DashboardController {
  constructor(
    private readonly pages: PagesOverviewService,
    private readonly threads: ThreadsQueryService,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  async dashboard(@Query('page') page?: string): Promise<string> {
    const pageFilter = pageIdSchema.safeParse(page).success ? page : undefined;
    const [pages, threads] = await Promise.all([
      this.pages.all().catch((error: unknown) => ({ error: error instanceof UpstreamError ? error.message : 'not available' })),
      this.threads.rows(pageFilter),
    ]);
    return dashboardPage({ pages, threads, pageFilter, now: new Date() });
  }
}
