import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { EmulatorState } from '../emulator-state.js';
import { invalidParameter } from '../graph-errors.js';
import { registerLoginDialog } from '../login/dialog.route.js';
import { pathOf } from '../graph-request.js';
import { CONTROL_PREFIX, registerControlApi } from './control-api.js';
import { controlError, ControlErrorCode } from './control-replies.js';
import { handleGraphRequest, recordRejectedRequest, type IncomingGraphRequest } from './graph-pipeline.js';

function isControlPath(url: string): boolean {
  const path = pathOf(url);
  return path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
}

function toIncoming(request: FastifyRequest): IncomingGraphRequest {
  return {
    method: request.method,
    url: request.url,
    query: request.query,
    body: request.body,
    authorization: request.headers.authorization,
  };
}

/** Graph accepts form posts (`recipient={"id":…}`); fastify only parses JSON out of the box. */
function acceptFormBodies(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
}

/** Bodies fastify cannot parse still get Meta's envelope on Graph paths (and are recorded). */
function answerParseErrorsLikeGraph(app: FastifyInstance, state: EmulatorState): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (isControlPath(request.url)) {
      // Malformed JSON on a control route is the caller's bad request, with the same code as a schema failure.
      const body = status === 400 ? controlError(ControlErrorCode.InvalidRequest, error.message) : { error: { message: error.message } };
      return reply.code(status).send(body);
    }
    const response = invalidParameter(`Could not parse the request: ${error.message}`).toResponse();
    recordRejectedRequest(state, toIncoming(request), response);
    return reply.code(response.status).send(response.body);
  });
}

function routeGraphCalls(app: FastifyInstance, state: EmulatorState): void {
  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/*',
    handler: async (request, reply) => {
      if (isControlPath(request.url)) return reply.code(404).send({ error: { message: `no control route ${request.url}` } });
      const response = await handleGraphRequest(state, toIncoming(request));
      return reply.code(response.status).headers(response.headers ?? {}).send(response.body);
    },
  });
}

/** The fastify app behind `createGraphEmulator`: control API first (static routes win), Graph catch-all. */
export function buildEmulatorServer(state: EmulatorState): FastifyInstance {
  // Closing must not wait for a client's idle keep-alive socket, or test teardown would stall.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  acceptFormBodies(app);
  answerParseErrorsLikeGraph(app, state);
  registerControlApi(app, state);
  registerLoginDialog(app, state);
  routeGraphCalls(app, state);
  return app;
}
