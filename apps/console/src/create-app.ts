import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from '@app/platform';
import { consoleRootModule } from './app.module.js';
import { configureConsoleHttp } from './http/configure-console-http.js';

/** The console app, built the same way for main.ts and the e2e tests. */
export function createConsoleApp(): Promise<NestFastifyApplication> {
  return createHttpApp(consoleRootModule(), { configure: configureConsoleHttp });
}
