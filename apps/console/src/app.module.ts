import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { MessagingModule, NatsHealth } from '@app/messaging';
import { DatabaseHealth, DatabaseModule, HealthModule, LoggingModule, MetricsModule, validateEnv } from '@app/platform';
import { AuthController } from './auth/auth.controller.js';
import { SessionGuard } from './auth/session.guard.js';
import { RevokedSessionsRepository } from './auth/revoked-sessions.repository.js';
import { SessionsService } from './auth/sessions.service.js';
import { consoleEnvSchema, type ConsoleEnv } from './config/console-env.js';
import { ConsoleSettings } from './config/console-settings.js';
import { DashboardController } from './dashboard/dashboard.controller.js';
import { consoleDataSourceOptions } from './data-source.js';
import { CONSOLE_SCHEMA } from './database/schema.js';
import { LiveUpdates } from './live/live-updates.service.js';
import { LiveController } from './live/live.controller.js';
import { DeliveryHealthService } from './pages/delivery-health.service.js';
import { PagesOverviewService } from './pages/pages-overview.service.js';
import { PagesController } from './pages/pages.controller.js';
import { ThreadActionsController } from './threads/thread-actions.controller.js';
import { ThreadActionsService } from './threads/thread-actions.service.js';
import { ThreadsQueryService } from './threads/threads-query.service.js';
import { ThreadsController } from './threads/threads.controller.js';
import { ConsoleConsumers } from './timeline/console-consumers.js';
import { ConsoleIngestService } from './timeline/console-ingest.service.js';
import { StreamPositions } from './timeline/stream-positions.js';
import { TimelineRepository } from './timeline/timeline.repository.js';
import { MessagingWindowClient } from './upstream/messaging-window.client.js';
import { NotificationsClient } from './upstream/notifications.client.js';
import { ThreadOwnershipClient } from './upstream/thread-ownership.client.js';
import { AssetsController } from './web/assets.controller.js';

export const SERVICE_NAME = 'console';

/** The operator console: server-rendered pages, its own read model, live updates, operator actions. */
@Module({})
export class AppModule {
  /** Configuration is validated here, so call it after the environment is set (tests import dynamically). */
  static register(): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, cache: true, ignoreEnvFile: true, validate: validateEnv(consoleEnvSchema) }),
        LoggingModule.forService(SERVICE_NAME),
        MessagingModule.forService(SERVICE_NAME),
        DatabaseModule.forApp({ schema: CONSOLE_SCHEMA, dataSourceOptions: consoleDataSourceOptions }),
        MetricsModule,
        HealthModule.register([NatsHealth, DatabaseHealth]),
      ],
      controllers: [
        AuthController,
        DashboardController,
        ThreadsController,
        ThreadActionsController,
        PagesController,
        LiveController,
        AssetsController,
      ],
      providers: [
        { provide: ConsoleSettings, useFactory: (config: ConfigService<ConsoleEnv, true>) => ConsoleSettings.fromConfig(config), inject: [ConfigService] },
        SessionsService,
        RevokedSessionsRepository,
        SessionGuard,
        ThreadOwnershipClient,
        NotificationsClient,
        MessagingWindowClient,
        TimelineRepository,
        StreamPositions,
        LiveUpdates,
        ConsoleIngestService,
        ConsoleConsumers,
        DeliveryHealthService,
        PagesOverviewService,
        ThreadsQueryService,
        ThreadActionsService,
      ],
    };
  }
}

/** createHttpApp takes a module class: one per call, so two consoles in one process stay apart. */
export function consoleRootModule(): Type<unknown> {
  @Module({ imports: [AppModule.register()] })
  class ConsoleRootModule {}
  return ConsoleRootModule;
}
