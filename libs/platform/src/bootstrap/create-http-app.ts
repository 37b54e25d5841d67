import { type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { ErrorFilter } from '../errors/error.filter.js';

export interface HttpAppOptions {
  /** Largest accepted request body in bytes (larger: 413). */
  bodyLimit?: number;
  /**
   * Behind a reverse proxy: which proxies to believe about the client address (X-Forwarded-For),
   * as Fastify's `trustProxy` (true, or comma-separated addresses/CIDRs). Default: none.
   */
  trustProxy?: boolean | string;
  /** Extra setup before listen (content-type parsers, microservices …). */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
}

/**
 * The one way every service builds its HTTP app: Fastify, pino logs, typed error bodies,
 * shutdown hooks (SIGTERM drains consumers, then NATS).
 */
export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter({ bodyLimit: options.bodyLimit ?? 1_048_576, trustProxy: options.trustProxy ?? false }), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ErrorFilter());
  app.enableShutdownHooks();
  await options.configure?.(app);
  return app;
}

/** Starts microservices and the HTTP listener; logs where the service is. */
export async function listen(app: INestApplication, host: string, port: number, service: string): Promise<void> {
  await app.startAllMicroservices();
  await app.listen(port, host);
  app.get(Logger).log(`${service} listening on http://${host}:${port}`);
}
