import type { FastifyInstance, FastifyReply } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { CorrelatedRequest } from '../webhook/webhook.routes.js';

/** Polled by orchestrators and Prometheus: never logged (as in the other services). */
const QUIET_URLS = new Set(['/health', '/metrics']);

type Level = 'error' | 'warn' | 'debug';
const levelOf = (status: number): Level => (status >= 500 ? 'error' : status >= 400 ? 'warn' : 'debug');

/**
 * One log line per HTTP response, what pino-http wrote in the other services: failures at
 * warn (4xx) or error (5xx) with the correlation id the events were stored under, successes at
 * debug. Nothing is built unless the level is enabled, so the webhook's 200s cost one check.
 * Signature headers, the verify token in the URL and the body are never written (redaction).
 */
export function logResponses(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request: CorrelatedRequest, reply: FastifyReply, done) => {
    const log = PinoLogger.root;
    const status = reply.statusCode;
    const level = levelOf(status);
    if (log?.isLevelEnabled(level) && !QUIET_URLS.has(request.url)) {
      const correlationId = request.correlationId || request.headers['x-correlation-id'];
      log[level](
        {
          correlationId,
          // pino's request/response serializers (and the URL redaction) read these as pino-http's do.
          req: request,
          res: reply.raw,
          responseTime: Math.round(reply.elapsedTime),
        },
        status >= 500 ? 'request errored' : 'request completed',
      );
    }
    done();
  });
}
