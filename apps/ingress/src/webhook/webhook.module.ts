import { Module } from '@nestjs/common';
import { Clock, SystemClock, TokenCipher, tokenCipherProvider } from '@app/platform';
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
    tokenCipherProvider,
  ],
  exports: [IngressMetrics],
})
export class WebhookModule {}
