import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connectRpcMicroservice } from '@app/messaging';
import { type Clock, createHttpApp } from '@app/platform';
import { AppModule } from './app.module.js';

/** The thread-ownership app, built the same way for main.ts and the e2e tests. */
export function createThreadOwnershipApp(options: { clock?: Clock } = {}): Promise<NestFastifyApplication> {
  return createHttpApp(AppModule.forRoot(options), { configure: connectRpcMicroservice });
}
