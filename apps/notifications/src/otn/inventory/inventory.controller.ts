import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { pageIdSchema, psidSchema } from '@app/contracts';
import { AdminApi, ApiZodQueryParam, ZodPayloadPipe } from '@app/platform';
import { InventoryService, type TokenInventory } from './inventory.service.js';

/** Admin API: valid tokens per topic and per user of a Page. */
@Controller('pages/:pageId/tokens')
@AdminApi('one-time notifications')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Get()
  @ApiOperation({ summary: 'Valid one-time notification tokens of the Page per topic and per user (`psid`: one user only); never the tokens themselves' })
  @ApiZodQueryParam('psid', psidSchema.optional())
  list(
    @Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string,
    @Query('psid', new ZodPayloadPipe(psidSchema.optional())) psid?: string,
  ): Promise<TokenInventory> {
    return this.inventory.inventory(pageId, psid);
  }
}
