import { newMid, newOtnToken } from './ids.js';
import { toOtnTokenSink, type OtnTokenSink } from './graph-link.js';
import { WebhookPoster, type WebhookPostResult } from './webhook-poster.js';
import {
  buildOtnOptInEvent,
  buildPostbackEvent,
  buildQuickReplyEvent,
  buildReactionEvent,
  buildReadEvent,
  buildTextMessageEvent,
  buildWebhookBody,
  type IncomingMessage,
  type MessengerWebhookEvent,
  type ReactionDetails,
  type UserEventBase,
  type WebhookEntryInput,
} from './webhook-events.js';

export interface UserSimulatorOptions {
  /** Base URL of the ingress, e.g. `http://127.0.0.1:3000`. */
  ingressUrl: string;
  /** The Meta app secret the ingress verifies `X-Hub-Signature-256` with. */
  appSecret: string;
  pageId: string;
  webhookPath?: string;
  /** Source of event timestamps and entry times (ms); inject one for deterministic tests. */
  clock?: () => number;
  fetch?: typeof fetch;
}

/** Which array Meta puts the event in: `messaging` (the app owns the thread) or `standby`. */
export type DeliveryChannel = 'messaging' | 'standby';

export interface EventOptions {
  channel?: DeliveryChannel;
}

export interface SendTextOptions extends EventOptions {
  mid?: string;
  /** Extra `message` fields (reply_to, attachments, referral …) merged into the message. */
  message?: Partial<IncomingMessage>;
}

export type ReactionOptions = Omit<ReactionDetails, 'mid'> & EventOptions;

export interface SentEventResult extends WebhookPostResult {
  /** The mid of the event sent (dedupe key on the ingress side). */
  mid: string;
}

/** An entry of `sendBatch`; Page and time default to the simulator's. */
export type BatchEntry = Partial<WebhookEntryInput>;

/** Plays Messenger users talking to one Page: builds Meta-shaped webhook POSTs and signs them. */
export class UserSimulator {
  readonly pageId: string;
  private readonly clock: () => number;
  private readonly poster: WebhookPoster;
  private readonly fetchImpl: typeof fetch;
  private otnSink: OtnTokenSink | undefined;

  constructor(options: UserSimulatorOptions) {
    this.pageId = options.pageId;
    this.clock = options.clock ?? Date.now;
    this.fetchImpl = options.fetch ?? fetch;
    const webhookUrl = `${options.ingressUrl.replace(/\/+$/, '')}${options.webhookPath ?? '/webhook'}`;
    this.poster = new WebhookPoster(webhookUrl, options.appSecret, this.fetchImpl);
  }

  /** OTN tokens issued from now on are registered with this emulator (object, or its base URL). */
  linkGraph(target: OtnTokenSink | string): this {
    this.otnSink = toOtnTokenSink(target, this.fetchImpl);
    return this;
  }

  nextMid(): string {
    return newMid();
  }

  /** Page, user and current time, for composing events with the pure builders. */
  eventBase(psid: string): UserEventBase {
    return { pageId: this.pageId, psid, timestamp: this.clock() };
  }

  async sendText(psid: string, text: string, options: SendTextOptions = {}): Promise<SentEventResult> {
    const mid = options.mid ?? this.nextMid();
    const event = buildTextMessageEvent(this.eventBase(psid), mid, text, options.message);
    return { ...(await this.sendEvent(event, options.channel)), mid };
  }

  async quickReply(psid: string, text: string, payload: string, options: EventOptions = {}): Promise<SentEventResult> {
    const mid = this.nextMid();
    const event = buildQuickReplyEvent(this.eventBase(psid), mid, text, payload);
    return { ...(await this.sendEvent(event, options.channel)), mid };
  }

  async postback(psid: string, payload: string, title: string, options: EventOptions = {}): Promise<SentEventResult> {
    const mid = this.nextMid();
    // Meta strips postback payloads from standby deliveries (§2.7); the simulator does the same.
    const postback = options.channel === 'standby' ? { mid, title } : { mid, title, payload };
    const event = buildPostbackEvent(this.eventBase(psid), postback);
    return { ...(await this.sendEvent(event, options.channel)), mid };
  }

  reaction(psid: string, mid: string, options: ReactionOptions = {}): Promise<WebhookPostResult> {
    const { channel, ...details } = options;
    return this.sendEvent(buildReactionEvent(this.eventBase(psid), { ...details, mid }), channel);
  }

  read(psid: string, watermark: number, options: EventOptions = {}): Promise<WebhookPostResult> {
    return this.sendEvent(buildReadEvent(this.eventBase(psid), watermark), options.channel);
  }

  /**
   * The user taps "Notify Me": issues a fresh token, registers it with the linked emulator first
   * (so a bot reacting at once can already spend it), posts the opt-in and returns the token.
   * Throws when the ingress refuses the webhook, since the token would then be unknown to the suite.
   */
  async optInOneTimeNotification(psid: string, payload: string): Promise<string> {
    const token = newOtnToken();
    await this.otnSink?.registerOtnToken(token, { pageId: this.pageId, psid, payload });
    const result = await this.sendEvent(buildOtnOptInEvent(this.eventBase(psid), payload, token));
    if (result.status < 200 || result.status >= 300) {
      throw new Error(`OTN opt-in webhook refused: HTTP ${result.status} ${result.body}`);
    }
    return token;
  }

  /** One event in one entry, the common case. */
  sendEvent(event: MessengerWebhookEvent, channel: DeliveryChannel = 'messaging'): Promise<WebhookPostResult> {
    return this.sendBatch([{ [channel]: [event] }]);
  }

  /** Several entries (and events) in one signed POST, as Meta batches them. */
  sendBatch(entries: BatchEntry[]): Promise<WebhookPostResult> {
    const complete = entries.map((entry) => ({
      ...entry,
      pageId: entry.pageId ?? this.pageId,
      time: entry.time ?? this.clock(),
    }));
    return this.poster.postSigned(buildWebhookBody(complete));
  }

  /** Any JSON value, Meta-serialised and correctly signed (e.g. an `instagram` object body). */
  postSigned(body: unknown): Promise<WebhookPostResult> {
    return this.poster.postSigned(body);
  }

  /** Exactly these bytes and headers, unsigned unless the headers carry a signature. */
  postRaw(body: string | Uint8Array, headers: Record<string, string> = {}): Promise<WebhookPostResult> {
    return this.poster.postRaw(body, headers);
  }
}
