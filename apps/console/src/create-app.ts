import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from '@app/platform';
import { consoleRootModule } from './app.module.js';
import { trustProxySchema } from './config/console-env.js';
import { configureConsoleHttp } from './http/configure-console-http.js';

/** The console app, built the same way for main.ts and the e2e tests. */
export function createConsoleApp(): Promise<NestFastifyApplication> {
  // Read before the app exists (Fastify takes it at construction); validated again with the rest.
  const trustProxy = trustProxySchema.parse(process.env.CONSOLE_TRUST_PROXY);
  return createHttpApp(consoleRootModule(), { configure: configureConsoleHttp, trustProxy });
}
