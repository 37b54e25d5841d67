import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiZodBody, ZodPayloadPipe } from '@app/platform';
import { pageIdParamSchema, putPageSettingsSchema, type PutPageSettings } from './page-settings.dto.js';
import { PageSettingsService, type PageSettingsView } from './page-settings.service.js';

/** Admin API: which Pages Meta has granted One-Time Notifications to. */
@Controller('pages/:pageId/settings')
@AdminApi('pages')
export class PageSettingsController {
  constructor(private readonly pages: PageSettingsService) {}

  @Get()
  @ApiOperation({ summary: "The Page's notification settings (whether Meta granted it One-Time Notifications)" })
  get(@Param('pageId', new ZodPayloadPipe(pageIdParamSchema)) pageId: string): Promise<PageSettingsView> {
    return this.pages.get(pageId);
  }

  @Put()
  @ApiOperation({ summary: 'Record whether Meta granted the Page One-Time Notifications (requests are refused with OTN_NOT_ENABLED otherwise)' })
  @ApiZodBody(putPageSettingsSchema)
  put(
    @Param('pageId', new ZodPayloadPipe(pageIdParamSchema)) pageId: string,
    @Body(new ZodPayloadPipe(putPageSettingsSchema)) body: PutPageSettings,
  ): Promise<PageSettingsView> {
    return this.pages.set(pageId, body.otnEnabled);
  }
}
