import type { FastifyInstance } from 'fastify';
import { resetState, type EmulatorState } from '../emulator-state.js';
import { registerLoginControlApi } from '../login/login-control-api.js';
import { parseOr400 } from './control-replies.js';
import { addFaultSchema, callsQuerySchema, latencySchema, otnTokenSchema, threadOwnerSchema } from './control-schemas.js';
import { registerUserMessageRoute } from './user-message.route.js';

/** Prefix of the control API; Graph paths never start with an underscore segment. */
export const CONTROL_PREFIX = '/_emulator';

function registerCallRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get(`${CONTROL_PREFIX}/calls`, async (request, reply) => {
    const filter = parseOr400(callsQuerySchema, request.query, reply);
    return filter && { calls: state.recorder.list(filter) };
  });
  app.delete(`${CONTROL_PREFIX}/calls`, async (_request, reply) => {
    state.recorder.clear();
    return reply.code(204).send();
  });
}

function registerFaultRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.post(`${CONTROL_PREFIX}/faults`, async (request, reply) => {
    const fault = parseOr400(addFaultSchema, request.body, reply);
    if (!fault) return reply;
    state.faults.add(fault.match, fault.error, fault.times);
    return reply.code(201).send({ pending: state.faults.pending().length });
  });
  // `remaining: Infinity` (set from TypeScript) shows as null in JSON.
  app.get(`${CONTROL_PREFIX}/faults`, async () => ({ faults: state.faults.pending() }));
  app.delete(`${CONTROL_PREFIX}/faults`, async (_request, reply) => {
    state.faults.clear();
    return reply.code(204).send();
  });
}

function registerStateRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.put(`${CONTROL_PREFIX}/latency`, async (request, reply) => {
    const latency = parseOr400(latencySchema, request.body, reply);
    if (!latency) return reply;
    state.latencyMs = latency.ms;
    return { latencyMs: state.latencyMs };
  });
  app.post(`${CONTROL_PREFIX}/otn-tokens`, async (request, reply) => {
    const grant = parseOr400(otnTokenSchema, request.body, reply);
    if (!grant) return reply;
    const { token, ...owner } = grant;
    state.otn.register(token, owner);
    return reply.code(201).send({ registered: true });
  });
  app.get(`${CONTROL_PREFIX}/threads`, async () => ({ threads: state.threads.list() }));
  const ownerPath = `${CONTROL_PREFIX}/threads/:pageId/:psid/owner`;
  app.put<{ Params: { pageId: string; psid: string } }>(ownerPath, async (request, reply) => {
    const owner = parseOr400(threadOwnerSchema, request.body, reply);
    if (!owner) return reply;
    const { pageId, psid } = request.params;
    if (owner.appId === null) state.threads.release(pageId, psid);
    else state.threads.assign(pageId, psid, owner.appId);
    return { owner: state.threads.owner(pageId, psid) ?? null };
  });
  app.post(`${CONTROL_PREFIX}/reset`, async (_request, reply) => {
    resetState(state);
    return reply.code(204).send();
  });
}

/** The HTTP control API, so the demo and non-TypeScript tools can drive the emulator. */
export function registerControlApi(app: FastifyInstance, state: EmulatorState): void {
  app.get(`${CONTROL_PREFIX}/health`, async () => ({
    status: 'ok',
    calls: state.recorder.list().length,
    pendingFaults: state.faults.pending().length,
    latencyMs: state.latencyMs,
  }));
  registerCallRoutes(app, state);
  registerFaultRoutes(app, state);
  registerStateRoutes(app, state);
  registerUserMessageRoute(app, state, CONTROL_PREFIX);
  registerLoginControlApi(app, state, CONTROL_PREFIX);
}
