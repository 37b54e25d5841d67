import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { pageIdSchema } from '@app/contracts';
import { ZodPayloadPipe } from '@app/platform';
import { PagesService } from '../pages/pages.service.js';
import { toPageResponse } from '../pages/page-views.js';
import { AdminTokenGuard } from '@app/platform';
import { registerPageSchema, type RegisterPageDto } from './admin.dto.js';

/** HTTP admin API for the Page registry. Tokens go in, never come out. */
@Controller('pages')
@UseGuards(AdminTokenGuard)
export class PagesAdminController {
  constructor(private readonly pages: PagesService) {}

  @Get()
  async list() {
    const pages = await this.pages.listPages();
    return { data: pages.map((p) => ({ id: p.id, name: p.name, defaultOwnerAppId: p.defaultOwnerAppId, tokenStatus: p.tokenStatus })) };
  }

  @Put(':pageId')
  async register(@Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string, @Body(new ZodPayloadPipe(registerPageSchema)) dto: RegisterPageDto) {
    return toPageResponse(await this.pages.register({ pageId, ...dto }));
  }

  @Get(':pageId')
  async get(@Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string) {
    return toPageResponse(await this.pages.get(pageId));
  }
}
