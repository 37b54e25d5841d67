import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, validateEnv } from '@app/platform';
import { AppModule } from './app.module.js';
import { ingressEnvSchema } from './config/ingress-env.js';
import { configureIngressHttp } from './http/configure-ingress-http.js';

/**
 * The ingress app, built the same way for main.ts, the e2e tests and the benchmark. The body
 * limit is read here because Fastify needs it before Nest (and its ConfigService) exists.
 */
export function createIngressApp(): Promise<NestFastifyApplication> {
  const bodyLimit = validateEnv(ingressEnvSchema)(process.env).WEBHOOK_BODY_LIMIT_BYTES;
  return createHttpApp(AppModule, { bodyLimit, configure: (app) => configureIngressHttp(app, bodyLimit) });
}
