import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Clock, TokenCipher } from '@app/platform';
import type { IngressEnv } from '../config/ingress-env.js';
import { AppSecrets } from './app-secrets.js';
import { acceptHandshake, type HandshakeQuery } from './handshake.js';
import { verifySignature, type SignatureHeaders } from './signature-verifier.js';
import type { BatchContext } from './webhook-batch-parser.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import { invalidJson, invalidSignature, invalidVerifyToken, jsonTooDeep, unsupportedMediaType } from './webhook.errors.js';
import { planWebhook } from './webhook-plan.js';
import { WebhookPublisher } from './webhook-publisher.service.js';

/** One webhook POST as the controller hands it over. */
export interface IncomingWebhook {
  /** A Buffer when the request was application/json (raw parser); anything else is the wrong media type. */
  body: unknown;
  /** The `:appId` path parameter; undefined on the plain `/webhook`. */
  appId?: string;
  signatures: SignatureHeaders;
  /** Already checked or generated (see correlationIdFrom); stored with every event and logged. */
  correlationId: string;
}

/**
 * The webhook's rules, in the order that leaks least: known app → JSON media type → signature
 * over the raw bytes → JSON (at most MAX_JSON_DEPTH deep) → plan (events / unroutable) → stored in JetStream.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger(WebhookIntakeService.name);
  private readonly verifyToken: string;
  private readonly acceptSha1: boolean;

  constructor(
    private readonly secrets: AppSecrets,
    private readonly publisher: WebhookPublisher,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
    config: ConfigService<IngressEnv, true>,
  ) {
    this.verifyToken = config.get('META_VERIFY_TOKEN', { infer: true });
    this.acceptSha1 = config.get('ACCEPT_SHA1_SIGNATURE', { infer: true });
  }

  /** Meta's subscription GET: the challenge to echo, or 403. */
  handshake(query: HandshakeQuery, appId?: string): string {
    const challenge = this.secrets.knows(appId) ? acceptHandshake(query, this.verifyToken) : undefined;
    if (challenge === undefined) throw invalidVerifyToken();
    return challenge;
  }

  /** Resolves once every event of the POST is stored; throws a WebhookError otherwise. */
  async receive(request: IncomingWebhook): Promise<void> {
    const secret = this.secrets.secretFor(request.appId);
    if (!Buffer.isBuffer(request.body)) throw unsupportedMediaType();
    const raw = request.body;
    this.authenticate(raw, request, secret);
    const json = parseJson(raw);
    const context = this.batchContext(request);
    await this.publisher.publish(planWebhook(json, context), context.correlationId);
  }

  private authenticate(raw: Buffer, request: IncomingWebhook, secret: string): void {
    const check = verifySignature(raw, request.signatures, secret, { acceptSha1: this.acceptSha1 });
    if (check.valid) return;
    // Neither the header nor the expected value is logged: either would help a forger.
    this.logger.warn({ appId: request.appId, reason: check.reason, bytes: raw.length, correlationId: request.correlationId }, 'webhook signature rejected');
    throw invalidSignature();
  }

  private batchContext(request: IncomingWebhook): BatchContext {
    return {
      receivedAt: this.clock.now(),
      receivingAppId: request.appId,
      correlationId: request.correlationId,
      seal: (token) => this.cipher.seal(token),
      fingerprint: (data) => this.cipher.fingerprint(data),
    };
  }
}

function parseJson(raw: Buffer): unknown {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw invalidJson();
  }
  if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) throw jsonTooDeep(MAX_JSON_DEPTH);
  return json;
}
