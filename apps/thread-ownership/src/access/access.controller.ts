import { Controller, Get, Header, Param, UseGuards } from '@nestjs/common';
import { appIdSchema } from '@app/contracts';
import { ZodPayloadPipe } from '@app/platform';
import { AdminTokenGuard } from '@app/platform';
import { AccessService } from './access.service.js';

/**
 * NATS access control for operators. The answers contain passwords: they are for the person
 * deploying the NATS server or a bot, behind the admin token.
 */
@Controller('access')
@UseGuards(AdminTokenGuard)
export class AccessController {
  constructor(private readonly access: AccessService) {}

  /** The nats-server configuration for every bot app of the registry (text, nats-server 2.9 syntax). */
  @Get('nats-config')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-store')
  natsConfig(): Promise<string> {
    return this.access.natsConfig();
  }

  /** User, password, prefix, inbox, stream and consumer of one bot. */
  @Get('bots/:appId')
  @Header('cache-control', 'no-store')
  bot(@Param('appId', new ZodPayloadPipe(appIdSchema)) appId: string) {
    return this.access.botConnection(appId);
  }
}
