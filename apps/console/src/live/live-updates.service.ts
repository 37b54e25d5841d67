import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { NatsConnectionService } from '@app/messaging';
import type { Subscription } from '@nats-io/transport-node';

export interface LiveUpdate {
  type: 'thread' | 'page';
  pageId: string;
  psid?: string;
}

type Listener = (update: LiveUpdate) => void;

/**
 * Fans "this thread changed" out to every open browser. The console's consumers are shared by
 * its replicas (each fact is handled by one), so the news goes through core NATS, which every
 * replica hears, and each replica pushes it to the server-sent-event streams it holds.
 */
@Injectable()
export class LiveUpdates implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveUpdates.name);
  private readonly listeners = new Set<Listener>();
  private readonly closers = new Set<() => void>();
  private subscription?: Subscription;

  constructor(private readonly nats: NatsConnectionService) {}

  onModuleInit(): void {
    // No queue group: every replica must hear every update.
    this.subscription = this.nats.nc.subscribe(this.subject(), {
      callback: (error, message) => {
        if (error) return;
        try {
          this.emitLocal(message.json<LiveUpdate>());
        } catch {
          this.logger.warn('ignored a malformed live update');
        }
      },
    });
  }

  /** Ends every open stream so the HTTP server can close (an event stream never ends by itself). */
  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    for (const close of [...this.closers]) close();
    this.closers.clear();
    this.listeners.clear();
  }

  publish(update: LiveUpdate): void {
    if (this.nats.nc.isClosed()) return;
    this.nats.nc.publish(this.subject(), JSON.stringify(update));
  }

  /** Registers one browser stream; returns its unsubscribe. `close` is called on shutdown. */
  listen(listener: Listener, close: () => void): () => void {
    this.listeners.add(listener);
    this.closers.add(close);
    return () => {
      this.listeners.delete(listener);
      this.closers.delete(close);
    };
  }

  get openStreams(): number {
    return this.listeners.size;
  }

  private emitLocal(update: LiveUpdate): void {
    for (const listener of this.listeners) listener(update);
  }

  private subject(): string {
    return this.nats.subject('internal.console.changed');
  }
}
