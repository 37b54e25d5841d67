import { Controller, Get, Header, NotFoundException, Param, Res, UseFilters, UseGuards } from '@nestjs/common';
import { pageIdSchema, psidSchema } from '@app/contracts';
import { ZodPayloadPipe } from '@app/platform';
import type { FastifyReply } from 'fastify';
import { LoginRequiredFilter, SessionGuard } from '../auth/session.guard.js';
import { html } from '../html/html.js';
import { page } from '../html/layout.js';
import { threadLive, threadPage, threadRow } from './thread-views.js';
import { ThreadsQueryService } from './threads-query.service.js';
import { PageErrorFilter } from '../html/page-error.filter.js';

const pageIdPipe = new ZodPayloadPipe(pageIdSchema);
const psidPipe = new ZodPayloadPipe(psidSchema);

/** One conversation: the page, and the fragments live updates fetch. */
@Controller()
@UseGuards(SessionGuard)
@UseFilters(LoginRequiredFilter)
export class ThreadsController {
  constructor(private readonly threads: ThreadsQueryService) {}

  @Get('pages/:pageId/threads/:psid')
  @Header('content-type', 'text/html; charset=utf-8')
  @UseFilters(PageErrorFilter)
  async thread(
    @Param('pageId', pageIdPipe) pageId: string,
    @Param('psid', psidPipe) psid: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const detail = await this.threads.detail(pageId, psid);
    if (!detail) {
      void reply.status(404);
      const body = html`<nav class="crumbs"><a href="/">← All conversations</a></nav><p class="card">No conversation with user ${psid} on Page ${pageId} has reached the console.</p>`;
      return page({ title: 'Not found', body, signedIn: true });
    }
    return page({ title: `User ${psid}`, body: threadPage(detail, new Date()), signedIn: true });
  }

  @Get('fragments/threads/:pageId/:psid/row')
  @Header('content-type', 'text/html; charset=utf-8')
  async row(@Param('pageId', pageIdPipe) pageId: string, @Param('psid', psidPipe) psid: string): Promise<string> {
    const row = await this.threads.row(pageId, psid);
    if (!row) throw new NotFoundException('no such conversation');
    return threadRow(row, new Date()).value;
  }

  @Get('fragments/threads/:pageId/:psid/live')
  @Header('content-type', 'text/html; charset=utf-8')
  async live(@Param('pageId', pageIdPipe) pageId: string, @Param('psid', psidPipe) psid: string): Promise<string> {
    const detail = await this.threads.detail(pageId, psid);
    if (!detail) throw new NotFoundException('no such conversation');
    return threadLive(detail, new Date()).value;
  }
}
