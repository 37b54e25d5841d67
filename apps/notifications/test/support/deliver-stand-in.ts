import type { NatsConnection, Subscription } from '@nats-io/transport-node';

/** What thread-ownership would answer to one `internal.message.deliver` request. */
export type DeliverReply =
  | { ok: true; data: { recipient_id?: string; message_id: string } }
  | { ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };

export interface DeliverCall {
  appId: string;
  pageId: string;
  psid: string;
  message: Record<string, unknown>;
  sealedOneTimeNotifToken?: string;
  [key: string]: unknown;
}

export const graphError = (code: number, isTransient: boolean, subcode?: number): DeliverReply => ({
  ok: false,
  error: { code: 'GRAPH_ERROR', message: `(#${code}) scripted`, details: { code, error_subcode: subcode ?? null, is_transient: isTransient } },
});

/**
 * Stands in for the thread-ownership service (built elsewhere) on the real NATS server: answers
 * `<prefix>.internal.message.deliver`, records every request, and replays scripted replies; and
 * answers `<prefix>.internal.page.participant`: every app is on every Page but those in `strangers`.
 */
export class DeliverStandIn {
  readonly calls: DeliverCall[] = [];
  private readonly script: DeliverReply[] = [];
  private subscription?: Subscription;
  private participants?: Subscription;
  /** App ids that are on no Page (the participant check refuses them with UNKNOWN_APP). */
  readonly strangers = new Set<string>();
  participantChecks = 0;
  private sequence = 0;
  private held?: Promise<void>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    private readonly delayMs = 0,
  ) {}

  start(): this {
    this.subscription = this.nc.subscribe(`${this.prefix}.internal.message.deliver`, {
      callback: (err, msg) => {
        if (err) return;
        const call = msg.json<DeliverCall>();
        this.calls.push(call);
        const reply = this.script.shift() ?? this.success(call);
        const respond = () => msg.respond(JSON.stringify(reply));
        const held = this.held;
        this.held = undefined;
        if (held) void held.then(respond);
        else if (this.delayMs > 0) setTimeout(respond, this.delayMs);
        else respond();
      },
    });
    this.participants = this.nc.subscribe(`${this.prefix}.internal.page.participant`, {
      callback: (err, msg) => {
        if (err) return;
        this.participantChecks += 1;
        const { pageId, appId } = msg.json<{ pageId: string; appId: string }>();
        const refused = { ok: false, error: { code: 'UNKNOWN_APP', message: `app ${appId} is not connected to page ${pageId}` } };
        msg.respond(JSON.stringify(this.strangers.has(appId) ? refused : { ok: true, data: { participant: true } }));
      },
    });
    return this;
  }

  /** The next replies, in order; afterwards every call succeeds again. */
  reply(...replies: DeliverReply[]): void {
    this.script.push(...replies);
  }

  /** The next call gets its reply only when the returned function is called (a send in flight). */
  holdNext(): () => void {
    let release!: () => void;
    this.held = new Promise((resolve) => (release = resolve));
    return release;
  }

  reset(): void {
    this.calls.length = 0;
    this.script.length = 0;
  }

  async stop(): Promise<void> {
    await this.subscription?.drain();
    await this.participants?.drain();
  }

  private success(call: DeliverCall): DeliverReply {
    return { ok: true, data: { recipient_id: call.psid, message_id: `m_${++this.sequence}` } };
  }
}
