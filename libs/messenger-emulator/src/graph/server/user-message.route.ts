import type { FastifyInstance, FastifyReply } from 'fastify';
import { UserSimulator, type SentEventResult } from '../../simulator/user-simulator.js';
import type { EmulatorState } from '../emulator-state.js';
import { controlError, ControlErrorCode, parseOr400 } from './control-replies.js';
import { userMessageSchema, userPsidParamsSchema, type UserMessage } from './control-schemas.js';

/** The ingress stores each event before answering (a few ms); past this something is wrong. */
export const INGRESS_TIMEOUT_MS = 10_000;
/** Enough of the ingress's answer to show why it refused, without echoing a huge page. */
const MAX_INGRESS_BODY_CHARS = 2_000;

/** Where and with what key the emulator posts webhooks, once both are configured. */
interface WebhookTarget {
  url: string;
  appSecret: string;
}

/**
 * A simulator for one message: the target's URL and secret, the emulator's clock, and a deadline
 * so a hung ingress cannot hold the control request (or the emulator's close) forever.
 */
function simulatorFor(state: EmulatorState, target: WebhookTarget, pageId: string): UserSimulator {
  const url = new URL(target.url);
  const fetchWithDeadline: typeof fetch = (input, init) =>
    fetch(input, { ...init, signal: AbortSignal.any([state.closing.signal, AbortSignal.timeout(INGRESS_TIMEOUT_MS)]) });
  return new UserSimulator({
    ingressUrl: url.origin,
    webhookPath: `${url.pathname}${url.search}`,
    appSecret: target.appSecret,
    pageId,
    clock: state.now,
    fetch: fetchWithDeadline,
  });
}

function send(simulator: UserSimulator, psid: string, message: UserMessage): Promise<SentEventResult> {
  if (message.postback) return simulator.postback(psid, message.postback.payload, message.postback.title);
  const text = message.text ?? '';
  if (message.quickReply) return simulator.quickReply(psid, text, message.quickReply.payload);
  return simulator.sendText(psid, text);
}

/** The target, or what is missing, named as the emulator process's variables (and the option). */
function webhookTarget(state: EmulatorState): WebhookTarget | { missing: string } {
  const { webhookUrl: url } = state;
  const { appSecret } = state.policy;
  if (url === undefined) {
    return { missing: 'no webhook URL: set EMULATOR_WEBHOOK_URL (option webhookUrl) to the ingress webhook, e.g. http://127.0.0.1:3000/webhook' };
  }
  if (appSecret === undefined) return { missing: "no app secret to sign webhooks with: set META_APP_SECRET (option appSecret) to the ingress's" };
  return { url, appSecret };
}

function answerFailure(reply: FastifyReply, webhookUrl: string, error: unknown): FastifyReply {
  const failure = error as Error & { cause?: { message?: string } };
  if (failure.name === 'TimeoutError') {
    const message = `the ingress at ${webhookUrl} did not answer within ${INGRESS_TIMEOUT_MS} ms`;
    return reply.code(504).send(controlError(ControlErrorCode.IngressTimeout, message));
  }
  // fetch reports "fetch failed" and keeps the reason (ECONNREFUSED …) in `cause`.
  const reason = failure.cause?.message ?? failure.message;
  return reply.code(502).send(controlError(ControlErrorCode.IngressUnreachable, `POST ${webhookUrl} failed: ${reason}`));
}

/**
 * `POST /_emulator/users/:psid/messages`: the user sends a message (or taps a quick reply or a
 * postback button), so a running suite can be driven with curl. The webhook is built, signed and
 * posted by the same UserSimulator the tests use; the answer carries the ingress's status and the mid.
 */
export function registerUserMessageRoute(app: FastifyInstance, state: EmulatorState, prefix: string): void {
  app.post(`${prefix}/users/:psid/messages`, async (request, reply) => {
    const params = parseOr400(userPsidParamsSchema, request.params, reply);
    const message = params && parseOr400(userMessageSchema, request.body, reply);
    if (!params || !message) return reply;
    const target = webhookTarget(state);
    if ('missing' in target) return reply.code(503).send(controlError(ControlErrorCode.WebhookNotConfigured, target.missing));
    let sent: SentEventResult;
    try {
      sent = await send(simulatorFor(state, target, message.pageId), params.psid, message);
    } catch (error) {
      return answerFailure(reply, target.url, error);
    }
    const answer = { mid: sent.mid, ingressStatus: sent.status, ingressBody: sent.body.slice(0, MAX_INGRESS_BODY_CHARS) };
    if (sent.status >= 200 && sent.status < 300) return answer;
    const refusal = `the ingress answered HTTP ${sent.status}`;
    return reply.code(502).send(controlError(ControlErrorCode.IngressRefused, refusal, answer));
  });
}
