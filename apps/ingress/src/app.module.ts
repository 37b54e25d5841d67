import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { MessagingModule, NatsHealth } from '@app/messaging';
import { HealthModule, MetricsModule, validateEnv } from '@app/platform';
import { ingressEnvSchema } from './config/ingress-env.js';
import { IngressLoggingModule } from './logging/ingress-logging.module.js';
import { WebhookModule } from './webhook/webhook.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, ignoreEnvFile: true, validate: validateEnv(ingressEnvSchema) }),
    IngressLoggingModule.forRoot(),
    MessagingModule.forService('ingress'),
    MetricsModule,
    HealthModule.register([NatsHealth]),
    WebhookModule,
  ],
})
export class AppModule {}
