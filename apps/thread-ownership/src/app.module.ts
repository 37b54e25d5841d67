import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { GraphClient } from '@app/graph-api';
import { MessagingModule, NatsHealth } from '@app/messaging';
import { AdminTokenGuard, Clock, DatabaseHealth, DatabaseModule, HealthModule, LoggingModule, MetricsModule, SystemClock, tokenCipherProvider, validateEnv } from '@app/platform';
import { AccessController } from './access/access.controller.js';
import { AccessService } from './access/access.service.js';
import { BotAppsRepository } from './access/bot-apps.repository.js';
import { BotConsumers } from './access/bot-consumers.service.js';
import { PagesAdminController } from './admin/pages-admin.controller.js';
import { ThreadsAdminController } from './admin/threads-admin.controller.js';
import { threadOwnershipEnvSchema, type ThreadOwnershipEnv } from './config/thread-ownership-env.js';
import { ThreadOwnershipSettings } from './config/thread-ownership-settings.js';
import { THREAD_OWNERSHIP_SCHEMA, threadOwnershipDataSourceOptions } from './data-source.js';
import { DeadLetters } from './delivery-health/dead-letters.service.js';
import { DeliveryHealthController } from './delivery-health/delivery-health.controller.js';
import { DeliveryHealthMonitor } from './delivery-health/delivery-health.monitor.js';
import { DeliveryHealthRepository } from './delivery-health/delivery-health.repository.js';
import { DeliveryHealthService } from './delivery-health/delivery-health.service.js';
import { HealthReport } from './delivery-health/health-report.service.js';
import { UnhealthyApps } from './delivery-health/unhealthy-apps.service.js';
import { OnboardingModule } from './onboarding/onboarding.module.js';
import { OutboxPublisher } from './delivery/outbox-publisher.service.js';
import { OutboxRepository } from './delivery/outbox.repository.js';
import { graphClientProvider } from './outbound/graph.provider.js';
import { MessagingWindowGate } from './outbound/messaging-window.gate.js';
import { MetaInboxBridge } from './outbound/meta-inbox-bridge.js';
import { OutboundService } from './outbound/outbound.service.js';
import { SendRpcController } from './outbound/send.rpc-controller.js';
import { SentMessagesRepository } from './outbound/sent-messages.repository.js';
import { SentMessagesRetention } from './outbound/sent-messages-retention.service.js';
import { PageAppsRpcController } from './pages/page-apps.rpc-controller.js';
import { PagesRepository } from './pages/pages.repository.js';
import { PageTokensReseal } from './pages/page-tokens-reseal.js';
import { PagesService } from './pages/pages.service.js';
import { OwnershipCache } from './routing/ownership-cache.js';
import { RoutingConsumer } from './routing/routing.consumer.js';
import { RoutingService } from './routing/routing.service.js';
import { RoutingWritesRepository } from './routing/routing-writes.repository.js';
import { StreamPosition } from './routing/stream-position.js';
import { IdleExpiryScheduler } from './threads/idle-expiry.scheduler.js';
import { OwnershipService } from './threads/ownership.service.js';
import { ThreadControlRpcController } from './threads/thread-control.rpc-controller.js';
import { ThreadsRepository } from './threads/threads.repository.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, ignoreEnvFile: true, validate: validateEnv(threadOwnershipEnvSchema) }),
    LoggingModule.forService('thread-ownership'),
    MessagingModule.forService('thread-ownership'),
    DatabaseModule.forApp({ schema: THREAD_OWNERSHIP_SCHEMA, dataSourceOptions: threadOwnershipDataSourceOptions }),
    MetricsModule,
    HealthModule.register([NatsHealth, DatabaseHealth]),
    OnboardingModule,
  ],
  controllers: [ThreadControlRpcController, SendRpcController, PageAppsRpcController, PagesAdminController, ThreadsAdminController, AccessController, DeliveryHealthController],
  providers: [
    tokenCipherProvider,
    { provide: ThreadOwnershipSettings, useFactory: (config: ConfigService<ThreadOwnershipEnv, true>) => ThreadOwnershipSettings.fromConfig(config), inject: [ConfigService] },
    graphClientProvider,
    AdminTokenGuard,
    PagesRepository,
    PageTokensReseal,
    PagesService,
    ThreadsRepository,
    OwnershipService,
    IdleExpiryScheduler,
    OutboxRepository,
    OutboxPublisher,
    RoutingService,
    RoutingWritesRepository,
    RoutingConsumer,
    OwnershipCache,
    StreamPosition,
    SentMessagesRepository,
    SentMessagesRetention,
    MessagingWindowGate,
    MetaInboxBridge,
    OutboundService,
    BotAppsRepository,
    BotConsumers,
    AccessService,
    DeliveryHealthRepository,
    DeliveryHealthService,
    DeliveryHealthMonitor,
    UnhealthyApps,
    DeadLetters,
    HealthReport,
  ],
  exports: [GraphClient],
})
export class AppModule {
  /** `clock` lets tests move time (idle expiry) without waiting. */
  static forRoot(options: { clock?: Clock } = {}): DynamicModule {
    return { module: AppModule, providers: [{ provide: Clock, useValue: options.clock ?? new SystemClock() }] };
  }
}
