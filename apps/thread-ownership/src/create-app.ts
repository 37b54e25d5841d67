import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connectRpcMicroservice } from '@app/messaging';
import { type Clock, createHttpApp, setupApiDocs } from '@app/platform';
import { AppModule } from './app.module.js';

/** The thread-ownership app, built the same way for main.ts and the e2e tests. */
export function createThreadOwnershipApp(options: { clock?: Clock } = {}): Promise<NestFastifyApplication> {
  return createHttpApp(AppModule.forRoot(options), {
    configure: (app) => {
      connectRpcMicroservice(app);
      setupApiDocs(app, {
        title: 'thread-ownership admin API',
        description: 'Pages and their apps, threads and operator actions, bot onboarding, NATS access and delivery health. Bots talk to this service over NATS (docs/bot-protocol.md), not over HTTP.',
      });
    },
  });
}
