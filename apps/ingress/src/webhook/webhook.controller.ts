import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { HandshakeQuery } from './handshake.js';
import { WebhookIntakeService, type IncomingWebhook } from './webhook-intake.service.js';

/** Meta wants exactly a 200; the body is what its samples answer. */
export const EVENT_RECEIVED = 'EVENT_RECEIVED';

/**
 * The Page webhook. `/webhook` is signed with META_APP_SECRET; `/webhook/:appId` with that
 * app's secret from META_APP_SECRETS (one ingress serving several Meta apps).
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

  @Post()
  @HttpCode(200)
  async receive(@Body() body: unknown, @Headers() headers: IncomingHttpHeaders): Promise<string> {
    await this.intake.receive(incoming(body, headers));
    return EVENT_RECEIVED;
  }

  @Post(':appId')
  @HttpCode(200)
  async receiveForApp(@Param('appId') appId: string, @Body() body: unknown, @Headers() headers: IncomingHttpHeaders): Promise<string> {
    await this.intake.receive(incoming(body, headers, appId));
    return EVENT_RECEIVED;
  }
}

function incoming(body: unknown, headers: IncomingHttpHeaders, appId?: string): IncomingWebhook {
  return {
    body,
    appId,
    signatures: { sha256: headers['x-hub-signature-256'], sha1: headers['x-hub-signature'] },
    correlationId: headers['x-correlation-id'],
  };
}
