import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { appIdSchema, pageIdSchema } from '@app/contracts';
import { AdminApi, ApiZodBody, ApiZodResponse, ZodPayloadPipe } from '@app/platform';
import { pageListResponseSchema, pageResponseSchema } from './admin.responses.js';
import { PagesService } from '../pages/pages.service.js';
import { toPageResponse } from '../pages/page-views.js';
import { pageAppSchema, registerPageSchema, type PageAppDto, type RegisterPageDto } from './admin.dto.js';

/** HTTP admin API for the Page registry. Tokens go in, never come out. */
@Controller('pages')
@AdminApi('pages')
export class PagesAdminController {
  constructor(private readonly pages: PagesService) {}

  @Get()
  @ApiOperation({ summary: 'The registered Pages (id, name, default app, token status)' })
  @ApiZodResponse(pageListResponseSchema)
  async list() {
    const pages = await this.pages.listPages();
    return { data: pages.map((p) => ({ id: p.id, name: p.name, defaultOwnerAppId: p.defaultOwnerAppId, tokenStatus: p.tokenStatus })) };
  }

  @Put(':pageId')
  @ApiOperation({
    summary: 'Register a Page or replace its registration: access token (stored encrypted), apps, default app, entry-point routing rules',
    description:
      'The token is required for a new Page; left out, a registered Page keeps its token. Apps left out of the list are removed (the Page Inbox always stays); an app\'s `subscribed` left out keeps its current value. To add or change one app, `PUT /pages/{pageId}/apps/{appId}`.',
  })
  @ApiZodBody(registerPageSchema)
  @ApiZodResponse(pageResponseSchema, 'The Page as registered now')
  async register(@Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string, @Body(new ZodPayloadPipe(registerPageSchema)) dto: RegisterPageDto) {
    return toPageResponse(await this.pages.register({ pageId, ...dto }));
  }

  @Put(':pageId/apps/:appId')
  @ApiOperation({ summary: 'Add one app to a registered Page, or change it; what the body leaves out keeps its value (a new app: a bot that may not take threads, subscribed)' })
  @ApiZodBody(pageAppSchema)
  @ApiZodResponse(pageResponseSchema, 'The Page as registered now')
  async putApp(
    @Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string,
    @Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string,
    @Body(new ZodPayloadPipe(pageAppSchema)) dto: PageAppDto,
  ) {
    return toPageResponse(await this.pages.putApp(pageId, { appId, ...dto }));
  }

  @Delete(':pageId/apps/:appId')
  @ApiOperation({
    summary: 'Remove one app from a registered Page',
    description: 'Refused for the Page Inbox, the default app and a routing rule\'s app. Threads the app owns go idle when their next event arrives, which then reaches the default app.',
  })
  @ApiZodResponse(pageResponseSchema, 'The Page as registered now')
  async removeApp(@Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string, @Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string) {
    return toPageResponse(await this.pages.removeApp(pageId, appId));
  }

  @Get(':pageId')
  @ApiOperation({ summary: 'One Page with its apps (the access token is never returned)' })
  @ApiZodResponse(pageResponseSchema)
  async get(@Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string) {
    return toPageResponse(await this.pages.get(pageId));
  }
}
