import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connectRpcMicroservice } from '@app/messaging';
import { createHttpApp, setupApiDocs } from '@app/platform';
import { notificationsRootModule } from './app.module.js';
import type { CoreOptions } from './core/core.module.js';

/** The notifications app (HTTP + NATS RPC), built the same way for main.ts, e2e tests and the benchmark. */
export function createNotificationsApp(options: CoreOptions = {}): Promise<NestFastifyApplication> {
  return createHttpApp(notificationsRootModule(options), {
    configure: (app) => {
      connectRpcMicroservice(app);
      setupApiDocs(app, {
        title: 'notifications admin API',
        description: 'One-Time Notification settings and token inventory per Page. Bots request and send notifications over NATS (docs/bot-protocol.md), not over HTTP.',
      });
    },
  });
}
