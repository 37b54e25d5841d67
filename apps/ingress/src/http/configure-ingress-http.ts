import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { IngressMetrics, rejectionReasonFor } from '../webhook/ingress-metrics.js';

/**
 * Fastify setup the ingress needs before it listens (main.ts and the e2e tests both use it).
 */
export function configureIngressHttp(app: NestFastifyApplication, bodyLimit: number): void {
  acceptRawJson(app, bodyLimit);
  countWebhookResponses(app.getHttpAdapter().getInstance(), app.get(IngressMetrics));
}

/**
 * application/json bodies reach the controller as the Buffer received: the signature is an
 * HMAC of those exact bytes, and a parse/re-serialise round trip would change them.
 * Registered through Nest's `useBodyParser`, not `addContentTypeParser` on the Fastify
 * instance: Nest registers its own application/json parser at init unless it knows one is
 * there, and Fastify refuses a second one (FST_ERR_CTP_ALREADY_PRESENT).
 */
function acceptRawJson(app: NestFastifyApplication, bodyLimit: number): void {
  app.useBodyParser('application/json', { bodyLimit }, (_request, body, done) => done(null, body));
}

/**
 * Counts every webhook response, and the rejections by reason. Done on Fastify's onResponse
 * because Fastify itself answers 413 and 415 before any Nest code runs.
 */
function countWebhookResponses(fastify: FastifyInstance, metrics: IngressMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    if (request.routeOptions.url?.startsWith('/webhook')) {
      metrics.requests.inc({ method: request.method, status: String(reply.statusCode) });
      const reason = reply.statusCode >= 400 ? rejectionReasonFor(reply.statusCode) : undefined;
      if (reason) metrics.rejected.inc({ reason });
    }
    done();
  });
}
