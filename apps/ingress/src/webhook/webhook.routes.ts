import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { correlationIdFrom } from './correlation-id.js';
import { WebhookIntakeService } from './webhook-intake.service.js';

/** Meta wants exactly a 200; the body is what its samples answer. */
export const EVENT_RECEIVED = 'EVENT_RECEIVED';

/** A webhook POST carries the correlation id it was stored under, for the response log. */
export type CorrelatedRequest = FastifyRequest & { correlationId?: string };
type WebhookRoute = { Params: { appId?: string } };
type WebhookRequest = FastifyRequest<WebhookRoute> & CorrelatedRequest;

/**
 * `POST /webhook` (signed with META_APP_SECRET) and `POST /webhook/:appId` (that app's secret
 * from META_APP_SECRETS), served as plain Fastify routes: the webhook is the one hot path, and
 * Nest's per-request layers (router proxy, interceptor and pipe chain, parameter extraction)
 * were a measurable share of its CPU (bench/ingress). Nest still builds the services, and its
 * exception layer still renders every error: the routes are added on bootstrap, after Nest
 * installed its Fastify error handler, so a thrown WebhookError (or Fastify's own 413/415)
 * goes through the global ErrorFilter exactly like a controller's. The handshake GETs stay in
 * WebhookController. A returned string goes out as text/plain.
 */
@Injectable()
export class WebhookRoutes implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly intake: WebhookIntakeService,
  ) {}

  onApplicationBootstrap(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Declared up front so every request object keeps one shape (V8 hidden class).
    fastify.decorateRequest('correlationId', '');
    const receive = async (request: WebhookRequest): Promise<string> => {
      const headers = request.headers;
      const correlationId = correlationIdFrom(headers['x-correlation-id']);
      request.correlationId = correlationId;
      await this.intake.receive({
        body: request.body,
        appId: request.params.appId,
        signatures: { sha256: headers['x-hub-signature-256'], sha1: headers['x-hub-signature'] },
        correlationId,
      });
      return EVENT_RECEIVED;
    };
    fastify.post<WebhookRoute>('/webhook', receive);
    fastify.post<WebhookRoute>('/webhook/:appId', receive);
  }
}
