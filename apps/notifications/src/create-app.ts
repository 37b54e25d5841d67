import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connectRpcMicroservice } from '@app/messaging';
import { createHttpApp } from '@app/platform';
import { notificationsRootModule } from './app.module.js';
import type { CoreOptions } from './core/core.module.js';

/** The notifications app (HTTP + NATS RPC), built the same way for main.ts, e2e tests and the benchmark. */
export function createNotificationsApp(options: CoreOptions = {}): Promise<NestFastifyApplication> {
  return createHttpApp(notificationsRootModule(options), { configure: connectRpcMicroservice });
}
