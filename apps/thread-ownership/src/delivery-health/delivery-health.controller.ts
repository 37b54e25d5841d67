import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { appIdSchema, pageIdSchema } from '@app/contracts';
import { ZodPayloadPipe } from '@app/platform';
import { z } from 'zod';
import { AdminTokenGuard } from '@app/platform';
import { DeadLetters } from './dead-letters.service.js';
import { HealthReport } from './health-report.service.js';
import { UnhealthyApps } from './unhealthy-apps.service.js';

const limitSchema = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const resubscribeSchema = z.object({ pageIds: z.array(pageIdSchema).max(1000).optional() }).default({});
const replaySchema = z.object({ limit: limitSchema(1000, 10_000) }).default({ limit: 1000 });

/**
 * Delivery health of bot apps for operators: Meta's "recent errors" and webhook disabling,
 * resubscribing, and the dead letters an unsubscribed app missed.
 */
@Controller()
@UseGuards(AdminTokenGuard)
export class DeliveryHealthController {
  constructor(
    private readonly report: HealthReport,
    private readonly unhealthy: UnhealthyApps,
    private readonly deadLetters: DeadLetters,
  ) {}

  @Get('apps')
  list() {
    return this.report.list();
  }

  @Get('apps/:appId/health')
  health(@Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string, @Query('errors', new ZodPayloadPipe(limitSchema(50, 500))) errors: number) {
    return this.report.describe(appId, errors);
  }

  /** Body `{ pageIds? }`: default, the Pages the health monitor unsubscribed the app from. */
  @Post('apps/:appId/resubscribe')
  @HttpCode(200)
  resubscribe(@Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string, @Body(new ZodPayloadPipe(resubscribeSchema)) dto: z.infer<typeof resubscribeSchema>) {
    return this.unhealthy.resubscribe(appId, dto.pageIds);
  }

  @Post('pages/:pageId/apps/:appId/resubscribe')
  @HttpCode(200)
  resubscribeOnPage(@Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string, @Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string) {
    return this.unhealthy.resubscribe(appId, [pageId]);
  }

  @Get('apps/:appId/dead-letters')
  listDeadLetters(@Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string, @Query('limit', new ZodPayloadPipe(limitSchema(100, 1000))) limit: number) {
    return this.deadLetters.list(appId, limit);
  }

  /** Body `{ limit? }`. Replays to the app the letters of the Pages it is subscribed to again. */
  @Post('apps/:appId/dead-letters/replay')
  @HttpCode(200)
  replay(@Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string, @Body(new ZodPayloadPipe(replaySchema)) dto: z.infer<typeof replaySchema>) {
    return this.deadLetters.replay(appId, dto.limit);
  }
}
