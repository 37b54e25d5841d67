import { Injectable } from '@nestjs/common';
import type { PubAck } from '@nats-io/jetstream';
import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { NatsConnectionService } from '../connection/nats-connection.service.js';
import { publishHeaders, type EncodedHeaders } from './publish-headers.js';
import { JetStreamPublishError, PendingAcks } from './pub-acks.js';

export { CORRELATION_HEADER } from './publish-headers.js';
const DEFAULT_TIMEOUT_MS = 2000;

export interface PublishOptions {
  /** JetStream deduplication id: the same id within the stream's window is stored once. */
  msgID: string;
  correlationId?: string;
  timeoutMs?: number;
}

/**
 * Publishes facts that must not be lost; resolves only once JetStream has stored them.
 *
 * Not `js.publish` of @nats-io/jetstream: it is a `nc.request` per message, which allocates a
 * timer and a promise race per message and, after every successful ack, `RequestOne.cancel()`
 * builds a `RequestError("cancelled")` with a stack trace only to reject an already settled
 * promise (node_modules/@nats-io/nats-core/lib/request.js). In a profile of the webhook ingress
 * the NATS client took 11 % of the CPU, that constructor alone 5 %. Here a publish is a plain
 * `nc.publish` whose reply subject is under one wildcard subscription of our own
 * (`_INBOX.<nuid>.<token>`: services may subscribe to `>`, see the generated NATS permissions),
 * the acks wait in a map (pub-acks.ts), and one periodic sweep rejects those that took too long.
 * Failures reject with a JetStreamPublishError: JetStream's own error, no stream on the subject
 * (no responders), no ack in time, or the connection closing.
 */
@Injectable()
export class JetStreamPublisher {
  private readonly acks = new PendingAcks();
  private replies?: { prefix: string; subscription: Subscription };
  private watchingClose = false;
  private counter = 0;

  constructor(private readonly nats: NatsConnectionService) {}

  /** Publishes in call order; the publishes of one event-loop turn go out in one write. */
  publish(relativeSubject: string, payload: unknown, options: PublishOptions): Promise<PubAck> {
    const subject = this.nats.subject(relativeSubject);
    let prefix: string;
    try {
      prefix = this.replyPrefix();
    } catch (error) {
      return Promise.reject(closedError(error));
    }
    let headers: EncodedHeaders;
    try {
      headers = publishHeaders(options.msgID, options.correlationId);
    } catch (error) {
      return Promise.reject(error);
    }
    let data: Buffer;
    try {
      // A Buffer, not the string: nats.js would encode it with TextEncoder, which allocates a fresh
      // ArrayBuffer per call (Buffer.from takes a slice of a pooled one, about 3× cheaper).
      data = Buffer.from(JSON.stringify(payload));
    } catch (error) {
      // Before anything is tracked: a pending ack nobody waits for would time out unhandled.
      return Promise.reject(error);
    }
    const token = (++this.counter).toString(36);
    const acked = this.acks.track(token, subject, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.nats.writes.defer(() => {
      try {
        this.nats.nc.publish(subject, data, { reply: prefix + token, headers: headers as unknown as MsgHdrs });
      } catch (error) {
        this.acks.fail(token, closedError(error));
      }
    });
    return acked;
  }

  /** The reply prefix of our ack subscription, subscribing on first use (and again if it closed). */
  private replyPrefix(): string {
    if (this.replies && !this.replies.subscription.isClosed()) return this.replies.prefix;
    const nc = this.nats.nc;
    const prefix = `${createInbox(inboxPrefixOf(nc))}.`;
    const subscription = nc.subscribe(`${prefix}*`, { callback: (error, msg) => this.onReply(prefix, error, msg) });
    this.replies = { prefix, subscription };
    if (!this.watchingClose) {
      this.watchingClose = true;
      void nc.closed().then(() => this.acks.failAll(new JetStreamPublishError('the NATS connection closed before JetStream acked', 'closed')));
    }
    return prefix;
  }

  private onReply(prefix: string, error: Error | null, msg: Msg): void {
    // An error on the subscription itself (e.g. a permission violation) ends it: nothing pending can be acked.
    if (error) return this.acks.failAll(new JetStreamPublishError(`acks cannot be received: ${error.message}`, 'closed'));
    const data = msg.data;
    this.acks.settle(msg.subject.slice(prefix.length), data, data.length === 0 ? msg.headers?.code : undefined);
  }
}

function inboxPrefixOf(nc: NatsConnection): string | undefined {
  return (nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix;
}

function closedError(error: unknown): JetStreamPublishError {
  return new JetStreamPublishError(`could not publish: ${(error as Error).message}`, 'closed');
}
