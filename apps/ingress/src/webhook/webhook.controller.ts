import { Controller, Get, Param, Query } from '@nestjs/common';
import type { HandshakeQuery } from './handshake.js';
import { WebhookIntakeService } from './webhook-intake.service.js';

/**
 * Meta's subscription handshake: `GET /webhook`, and `GET /webhook/:appId` for a further app of
 * META_APP_SECRETS. The event POSTs are plain Fastify routes (see WebhookRoutes).
 * Returned strings go out as text/plain.
 */
@Controller('webhook')
export class WebhookController {
  constructor(private readonly intake: WebhookIntakeService) {}

  @Get()
  verify(@Query() query: HandshakeQuery): string {
    return this.intake.handshake(query);
  }

  @Get(':appId')
  verifyForApp(@Param('appId') appId: string, @Query() query: HandshakeQuery): string {
    return this.intake.handshake(query, appId);
  }
}
