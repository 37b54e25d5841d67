import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { pageIdSchema } from '@app/contracts';
import { AdminApi, ApiZodBody, ZodPayloadPipe } from '@app/platform';
import { PagesService } from '../pages/pages.service.js';
import { toPageResponse } from '../pages/page-views.js';
import { registerPageSchema, type RegisterPageDto } from './admin.dto.js';

/** HTTP admin API for the Page registry. Tokens go in, never come out. */
@Controller('pages')
@AdminApi('pages')
export class PagesAdminController {
  constructor(private readonly pages: PagesService) {}

  @Get()
  @ApiOperation({ summary: 'The registered Pages (id, name, default app, token status)' })
  async list() {
    const pages = await this.pages.listPages();
    return { data: pages.map((p) => ({ id: p.id, name: p.name, defaultOwnerAppId: p.defaultOwnerAppId, tokenStatus: p.tokenStatus })) };
  }

  @Put(':pageId')
  @ApiOperation({ summary: 'Register a Page or replace its registration: access token (stored encrypted), apps, default app, entry-point routing rules' })
  @ApiZodBody(registerPageSchema)
  async register(@Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string, @Body(new ZodPayloadPipe(registerPageSchema)) dto: RegisterPageDto) {
    return toPageResponse(await this.pages.register({ pageId, ...dto }));
  }

  @Get(':pageId')
  @ApiOperation({ summary: 'One Page with its apps (the access token is never returned)' })
  async get(@Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string) {
    return toPageResponse(await this.pages.get(pageId));
  }
}
