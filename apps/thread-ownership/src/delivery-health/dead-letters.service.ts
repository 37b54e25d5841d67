import { Injectable } from '@nestjs/common';
import { botEventDeliveredSchema, botEventSubject, deadBotEventSubject, streamName, type BotEventDelivered } from '@app/contracts';
import { JetStreamPublisher, NatsConnectionService } from '@app/messaging';
import { BotAppsRepository } from '../access/bot-apps.repository.js';
import { nextBySubject } from './next-by-subject.js';

export interface DeadLetter {
  seq: number;
  storedAt: string;
  event: BotEventDelivered;
}

/** The events an unsubscribed app missed: list them, and give them to it once it is back. */
@Injectable()
export class DeadLetters {
  constructor(
    private readonly nats: NatsConnectionService,
    private readonly publisher: JetStreamPublisher,
    private readonly apps: BotAppsRepository,
  ) {}

  async list(appId: string, limit: number): Promise<{ data: Array<{ seq: number; storedAt: string; idempotencyKey: string; pageId: string; psid: string; channel: string; kind: string }> }> {
    const letters = await this.read(appId, limit);
    return {
      data: letters.map(({ seq, storedAt, event }) => ({ seq, storedAt, idempotencyKey: event.idempotencyKey, pageId: event.pageId, psid: event.psid, channel: event.channel, kind: event.kind })),
    };
  }

  /**
   * Publishes each dead letter of a Page the app is subscribed to again to its usual subject
   * (JetStream deduplicates on the idempotency key, so a repeated replay is harmless), then
   * deletes it. Letters of Pages it is still unsubscribed from stay.
   */
  async replay(appId: string, limit: number): Promise<{ replayed: number; kept: number }> {
    const subscribed = new Set((await this.apps.memberships(appId)).filter((m) => m.subscribed).map((m) => m.pageId));
    let replayed = 0;
    let kept = 0;
    for (const { seq, event } of await this.read(appId, limit)) {
      if (!subscribed.has(event.pageId)) {
        kept += 1;
        continue;
      }
      await this.publisher.publish(botEventSubject(appId, event.channel), event, { msgID: event.idempotencyKey, correlationId: event.correlationId });
      await this.nats.jsm.streams.deleteMessage(this.stream, seq, false);
      replayed += 1;
    }
    return { replayed, kept };
  }

  private get stream(): string {
    return streamName(this.nats.options.prefix, 'DEAD');
  }

  /** Oldest first, read one by one (nats-server 2.9: direct get of the next message on a subject). */
  private async read(appId: string, limit: number): Promise<DeadLetter[]> {
    const subject = this.nats.subject(deadBotEventSubject(appId));
    const out: DeadLetter[] = [];
    let seq = 1;
    while (out.length < limit) {
      const message = await nextBySubject(this.nats.jsm, this.stream, subject, seq);
      if (!message) break; // no more
      const parsed = botEventDeliveredSchema.safeParse(message.json());
      if (parsed.success) out.push({ seq: message.seq, storedAt: message.time.toISOString(), event: parsed.data });
      seq = message.seq + 1;
    }
    return out;
  }
}
