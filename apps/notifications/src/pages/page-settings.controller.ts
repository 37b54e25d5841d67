import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { AdminTokenGuard, ZodPayloadPipe } from '@app/platform';
import { pageIdParamSchema, putPageSettingsSchema, type PutPageSettings } from './page-settings.dto.js';
import { PageSettingsService, type PageSettingsView } from './page-settings.service.js';

/** Admin API: which Pages Meta has granted One-Time Notifications to. */
@Controller('pages/:pageId/settings')
@UseGuards(AdminTokenGuard)
export class PageSettingsController {
  constructor(private readonly pages: PageSettingsService) {}

  @Get()
  get(@Param('pageId', new ZodPayloadPipe(pageIdParamSchema)) pageId: string): Promise<PageSettingsView> {
    return this.pages.get(pageId);
  }

  @Put()
  put(
    @Param('pageId', new ZodPayloadPipe(pageIdParamSchema)) pageId: string,
    @Body(new ZodPayloadPipe(putPageSettingsSchema)) body: PutPageSettings,
  ): Promise<PageSettingsView> {
    return this.pages.set(pageId, body.otnEnabled);
  }
}
