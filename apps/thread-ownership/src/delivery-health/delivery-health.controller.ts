import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { appIdSchema, pageIdSchema } from '@app/contracts';
import { AdminApi, ApiZodBody, ApiZodQueryParam, ZodPayloadPipe } from '@app/platform';
import { z } from 'zod';
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
@AdminApi('delivery health')
export class DeliveryHealthController {
  constructor(
    private readonly report: HealthReport,
    private readonly unhealthy: UnhealthyApps,
    private readonly deadLetters: DeadLetters,
  ) {}

  @Get('apps')
  @ApiOperation({ summary: 'Every bot app with its delivery health (recent errors, pages it was unsubscribed from)' })
  list() {
    return this.report.list();
  }

  @Get('apps/:appId/health')
  @ApiOperation({ summary: "One app's delivery health with its latest errors (`errors`: how many, default 50)" })
  @ApiZodQueryParam('errors', limitSchema(50, 500))
  health(@Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string, @Query('errors', new ZodPayloadPipe(limitSchema(50, 500))) errors: number) {
    return this.report.describe(appId, errors);
  }

  /** Body `{ pageIds? }`: default, the Pages the health monitor unsubscribed the app from. */
  @Post('apps/:appId/resubscribe')
  @HttpCode(200)
  @ApiOperation({ summary: 'Subscribe the app again on the given Pages (default: those the health monitor unsubscribed it from)' })
  @ApiZodBody(resubscribeSchema)
  resubscribe(@Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string, @Body(new ZodPayloadPipe(resubscribeSchema)) dto: z.infer<typeof resubscribeSchema>) {
    return this.unhealthy.resubscribe(appId, dto.pageIds);
  }

  @Post('pages/:pageId/apps/:appId/resubscribe')
  @HttpCode(200)
  @ApiOperation({ summary: 'Subscribe the app again on one Page' })
  resubscribeOnPage(@Param('pageId', new ZodPayloadPipe(pageIdSchema)) pageId: string, @Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string) {
    return this.unhealthy.resubscribe(appId, [pageId]);
  }

  @Get('apps/:appId/dead-letters')
  @ApiOperation({ summary: 'The events the app missed while unsubscribed (oldest first; `limit`, default 100)' })
  @ApiZodQueryParam('limit', limitSchema(100, 1000))
  listDeadLetters(@Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string, @Query('limit', new ZodPayloadPipe(limitSchema(100, 1000))) limit: number) {
    return this.deadLetters.list(appId, limit);
  }

  /** Body `{ limit? }`. Replays to the app the letters of the Pages it is subscribed to again. */
  @Post('apps/:appId/dead-letters/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replay to the app the missed events of the Pages it is subscribed to again' })
  @ApiZodBody(replaySchema)
  replay(@Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string, @Body(new ZodPayloadPipe(replaySchema)) dto: z.infer<typeof replaySchema>) {
    return this.deadLetters.replay(appId, dto.limit);
  }
}
