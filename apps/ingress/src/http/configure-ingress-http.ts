import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, onResponseHookHandler } from 'fastify';
import { IngressMetrics } from '../webhook/ingress-metrics.js';
import { logResponses } from './response-log.js';

/**
 * Fastify setup the ingress needs before it listens (main.ts and the e2e tests both use it).
 */
export function configureIngressHttp(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  acceptRawJson(app, bodyLimit);
  countWebhookResponses(fastify, app.get(IngressMetrics));
  logResponses(fastify);
}

/**
 * application/json bodies reach the webhook as the Buffer received: the signature is an
 * HMAC of those exact bytes, and a parse/re-serialise round trip would change them.
 * Registered through Nest's `useBodyParser`, not `addContentTypeParser` on the Fastify
 * instance: Nest registers its own application/json parser at init unless it knows one is
 * there, and Fastify refuses a second one (FST_ERR_CTP_ALREADY_PRESENT).
 */
function acceptRawJson(app: NestFastifyApplication, bodyLimit: number): void {
  app.useBodyParser('application/json', { bodyLimit }, (_request, body, done) => done(null, body));
}

/**
 * Counts every webhook response, and the rejections by reason. An onResponse hook because
 * Fastify itself answers 413 and 415 before any of our code runs; added to the /webhook routes
 * only (as each is declared, Nest's GETs and our POSTs alike), so other routes pay nothing and
 * no request has to work out which route it took.
 */
function countWebhookResponses(fastify: FastifyInstance, metrics: IngressMetrics): void {
  const count: onResponseHookHandler = (request, reply, done) => {
    metrics.observeResponse(request.method, reply.statusCode);
    done();
  };
  fastify.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/webhook')) return;
    const existing = route.onResponse === undefined ? [] : Array.isArray(route.onResponse) ? route.onResponse : [route.onResponse];
    route.onResponse = [...existing, count];
  });
}
