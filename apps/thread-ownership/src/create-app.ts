import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connectRpcMicroservice } from '@app/messaging';
import { createHttpApp } from '@app/platform';
import { AppModule } from './app.module.js';

/** The thread-ownership app, built the same way for main.ts and the e2e tests. */
export function createThreadOwnershipApp(): Promise<NestFastifyApplication> {
  return createHttpApp(AppModule, { configure: connectRpcMicroservice });
}
