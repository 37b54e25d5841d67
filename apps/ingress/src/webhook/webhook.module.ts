import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Clock, SystemClock, TokenCipher } from '@app/platform';
import type { IngressEnv } from '../config/ingress-env.js';
import { AppSecrets } from './app-secrets.js';
import { IngressMetrics } from './ingress-metrics.js';
import { WebhookController } from './webhook.controller.js';
import { WebhookIntakeService } from './webhook-intake.service.js';
import { WebhookPublisher } from './webhook-publisher.service.js';
import { WebhookRoutes } from './webhook.routes.js';

@Module({
  controllers: [WebhookController],
  providers: [
    WebhookIntakeService,
    WebhookRoutes,
    WebhookPublisher,
    AppSecrets,
    IngressMetrics,
    { provide: Clock, useClass: SystemClock },
    {
      provide: TokenCipher,
      useFactory: (config: ConfigService<IngressEnv, true>) => new TokenCipher(config.get('TOKEN_ENCRYPTION_KEY', { infer: true })),
      inject: [ConfigService],
    },
  ],
  exports: [IngressMetrics],
})
export class WebhookModule {}
