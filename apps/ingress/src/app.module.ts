import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { MessagingModule, NatsHealth } from '@app/messaging';
import { HealthModule, LoggingModule, MetricsModule, validateEnv } from '@app/platform';
import { ingressEnvSchema } from './config/ingress-env.js';
import { WebhookModule } from './webhook/webhook.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, ignoreEnvFile: true, validate: validateEnv(ingressEnvSchema) }),
    // Responses are logged by one Fastify hook (http/response-log.ts), not per-request middleware.
    LoggingModule.forService('ingress', { requestMiddleware: false }),
    MessagingModule.forService('ingress'),
    MetricsModule,
    HealthModule.register([NatsHealth]),
    WebhookModule,
  ],
})
export class AppModule {}
