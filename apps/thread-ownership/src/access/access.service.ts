import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { botConsumerName, botInboxPrefix, ErrorCode, streamName } from '@app/contracts';
import { botNatsUser, deriveNatsPassword, NatsConnectionService } from '@app/messaging';
import { DomainError } from '@app/platform';
import { BotAppsRepository } from './bot-apps.repository.js';
import { DEFAULT_SERVICE_USERS, renderNatsConfig } from './nats-config.js';

/** The NATS configuration and each bot's connection settings, from the Page registry. */
@Injectable()
export class AccessService {
  constructor(
    private readonly apps: BotAppsRepository,
    private readonly config: ConfigService,
    private readonly nats: NatsConnectionService,
  ) {}

  async natsConfig(): Promise<string> {
    return renderNatsConfig({
      prefix: this.nats.options.prefix,
      appIds: await this.apps.distinctBotAppIds(),
      services: this.config.get<string[]>('NATS_SERVICE_USERS') ?? DEFAULT_SERVICE_USERS,
      secret: this.secret(),
      account: this.config.get<string>('NATS_ACCOUNT'),
    });
  }

  /** What the operator of one bot needs to connect it (BotOptions of the SDK, or any NATS client). */
  async botConnection(appId: string) {
    if (!(await this.apps.distinctBotAppIds()).includes(appId)) throw new DomainError(ErrorCode.UnknownApp, `app ${appId} is not a bot of any page`);
    const prefix = this.nats.options.prefix;
    const user = botNatsUser(appId);
    return {
      appId,
      prefix,
      user,
      password: deriveNatsPassword(this.secret(), user),
      inboxPrefix: botInboxPrefix(appId),
      stream: streamName(prefix, 'BOTS'),
      consumer: botConsumerName(appId),
    };
  }

  /** Both routes need it; without it the installation is not set up (503), the caller is not at fault. */
  private secret(): string {
    const secret = this.config.get<string>('NATS_CREDENTIALS_SECRET');
    if (!secret) {
      throw new DomainError(
        ErrorCode.AccessControlNotConfigured,
        'NATS_CREDENTIALS_SECRET is not set: access control is not configured (docs/access-control.md)',
      );
    }
    return secret;
  }
}
