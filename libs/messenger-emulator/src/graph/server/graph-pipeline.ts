import { setTimeout as delay } from 'node:timers/promises';
import { authenticate, readAccessToken, resolvePageRef } from '../access-control.js';
import type { EmulatorState } from '../emulator-state.js';
import { GraphError, graphErrorResponse, type GraphResponse } from '../graph-error.js';
import { unknownPathComponents, unsupportedRequest } from '../graph-errors.js';
import {
  collectParams,
  parseGraphPath,
  pathOf,
  type EdgeTarget,
  type GraphParams,
  type UnknownTarget,
} from '../graph-request.js';
import { findEdgeHandler } from '../edges/edge-router.js';
import { findLoginHandler } from '../login/login-router.js';

/** The parts of an HTTP request the pipeline needs; kept apart from fastify so it stays testable. */
export interface IncomingGraphRequest {
  method: string;
  url: string;
  query: unknown;
  body: unknown;
  authorization?: string;
}

interface PreparedCall {
  method: string;
  path: string;
  target: EdgeTarget | UnknownTarget;
  params: GraphParams;
  pageId: string | null;
  authorization?: string;
}

function prepare(state: EmulatorState, request: IncomingGraphRequest): PreparedCall {
  const path = pathOf(request.url);
  const target = parseGraphPath(path);
  const params = collectParams(request.query, request.body);
  const token = readAccessToken(params, request.authorization);
  const pageLevel = target.kind === 'edge' && !findLoginHandler(request.method, target);
  const pageId = pageLevel ? resolvePageRef(target.pageRef, token, state.policy) : null;
  return { method: request.method.toUpperCase(), path, target, params, pageId, authorization: request.authorization };
}

/** Runs the emulated endpoint; any GraphError becomes Meta's envelope. */
function answer(state: EmulatorState, call: PreparedCall): GraphResponse {
  const { target, method } = call;
  try {
    const login = findLoginHandler(method, target);
    if (login) return login({ state, params: call.params, authorization: call.authorization });
    if (target.kind === 'unknown') throw unknownPathComponents(target.components);
    const caller = authenticate(method, target.pageRef, call.params, call.authorization, state.policy);
    const handler = findEdgeHandler(method, target.edge);
    if (!handler) throw unsupportedRequest(method, target.pageRef);
    return handler({ state, caller, params: call.params });
  } catch (error) {
    if (error instanceof GraphError) return error.toResponse();
    throw error;
  }
}

/** Waits the configured latency; cut short when the emulator closes. */
async function applyLatency(state: EmulatorState): Promise<void> {
  if (state.latencyMs <= 0) return;
  await delay(state.latencyMs, undefined, { signal: state.closing.signal }).catch(() => undefined);
}

/**
 * One Graph call end to end: latency, injected fault (checked before authentication, so a test can
 * fail even a badly authenticated call), authentication, the edge, then recording.
 */
export async function handleGraphRequest(state: EmulatorState, request: IncomingGraphRequest): Promise<GraphResponse> {
  const time = state.now();
  const call = prepare(state, request);
  await applyLatency(state);
  const edge = call.target.kind === 'edge' ? call.target.edge : null;
  const fault = state.faults.take({ method: call.method, path: call.path, edge, pageId: call.pageId });
  const answered = fault ? graphErrorResponse(fault) : answer(state, call);
  // Meta reports a Page's usage on successes and failures alike (§5.5).
  const usage = state.usage.headerFor(call.pageId);
  const response = usage ? { ...answered, headers: { ...answered.headers, ...usage } } : answered;
  state.recorder.record({
    method: call.method,
    path: call.path,
    query: { ...(request.query as Record<string, unknown> | undefined) },
    body: request.body,
    version: call.target.version,
    pageId: call.pageId,
    edge,
    time,
    response,
    injected: fault !== undefined,
  });
  return response;
}

/** Records a call that never reached an edge (unparseable body), answered with `response`. */
export function recordRejectedRequest(state: EmulatorState, request: IncomingGraphRequest, response: GraphResponse): void {
  const path = pathOf(request.url);
  const target = parseGraphPath(path);
  state.recorder.record({
    method: request.method.toUpperCase(),
    path,
    query: { ...(request.query as Record<string, unknown> | undefined) },
    body: undefined,
    version: target.version,
    pageId: target.kind === 'edge' ? target.pageRef : null,
    edge: target.kind === 'edge' ? target.edge : null,
    time: state.now(),
    response,
    injected: false,
  });
}
