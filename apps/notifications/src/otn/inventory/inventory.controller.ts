import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { pageIdSchema, psidSchema } from '@app/contracts';
import { AdminTokenGuard, ZodPayloadPipe } from '@app/platform';
import { InventoryService, type TokenInventory } from './inventory.service.js';

/** Admin API: valid tokens per topic and per user of a Page. */
@Controller('pages/:pageId/tokens')
@UseGuards(AdminTokenGuard)
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Get()
  list(
    @Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string,
    @Query('psid', new ZodPayloadPipe(psidSchema.optional())) psid?: string,
  ): Promise<TokenInventory> {
    return this.inventory.inventory(pageId, psid);
  }
}
