import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOperation, ApiProduces } from '@nestjs/swagger';
import { appIdSchema } from '@app/contracts';
import { AdminApi, ZodPayloadPipe } from '@app/platform';
import { AccessService } from './access.service.js';

/**
 * NATS access control for operators. The answers contain passwords: they are for the person
 * deploying the NATS server or a bot, behind the admin token.
 */
@Controller('access')
@AdminApi('access')
export class AccessController {
  constructor(private readonly access: AccessService) {}

  /** The nats-server configuration for every bot app of the registry (text, nats-server 2.9 syntax). */
  @Get('nats-config')
  @ApiOperation({ summary: 'The nats-server configuration (users and permissions) for the services and every bot app of the registry' })
  @ApiProduces('text/plain')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-store')
  natsConfig(): Promise<string> {
    return this.access.natsConfig();
  }

  /** User, password, prefix, inbox, stream and consumer of one bot. */
  @Get('bots/:appId')
  @ApiOperation({ summary: "One bot's NATS connection: user, password, subject prefix, inbox prefix, stream and durable consumer" })
  @Header('cache-control', 'no-store')
  bot(@Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string) {
    return this.access.botConnection(appId);
  }
}
