import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { MessagingModule, NatsHealth } from '@app/messaging';
import { DatabaseHealth, DatabaseModule, HealthModule, LoggingModule, MetricsModule, validateEnv } from '@app/platform';
import { notificationsEnvSchema, type NotificationsEnv } from './config/env.js';
import { CoreModule, type CoreOptions } from './core/core.module.js';
import { notificationsDataSourceOptions } from './data-source.js';
import { NOTIFICATIONS_SCHEMA } from './database/schema.js';
import { EventsModule } from './events/events.module.js';
import { OtnModule } from './otn/otn.module.js';
import { PagesModule } from './pages/pages.module.js';
import { WindowModule } from './window/window.module.js';

export const SERVICE_NAME = 'notifications';

/** The notifications service: OTN tokens and the 24-hour messaging window. */
@Module({})
export class AppModule {
  /** Configuration is validated here, so call it after the environment is set (tests import dynamically). */
  static register(options: CoreOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, cache: true, ignoreEnvFile: true, validate: validateEnv(notificationsEnvSchema) }),
        LoggingModule.forService(SERVICE_NAME),
        MessagingModule.forService(SERVICE_NAME),
        DatabaseModule.forApp({
          schema: NOTIFICATIONS_SCHEMA,
          dataSourceOptions: (url, config: ConfigService<NotificationsEnv, true>) => notificationsDataSourceOptions(url, config.get('DB_POOL_MAX', { infer: true })),
        }),
        MetricsModule,
        HealthModule.register([NatsHealth, DatabaseHealth]),
        CoreModule.register(options),
        PagesModule,
        WindowModule,
        OtnModule,
        EventsModule,
      ],
    };
  }
}

/** createHttpApp takes a module class: one per call, so two replicas in one process stay apart. */
export function notificationsRootModule(options: CoreOptions = {}): Type<unknown> {
  @Module({ imports: [AppModule.register(options)] })
  class NotificationsRootModule {}
  return NotificationsRootModule;
}
