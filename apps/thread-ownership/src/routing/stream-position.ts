import { Injectable } from '@nestjs/common';
import type { StreamInfo } from '@nats-io/jetstream';
import { streamName } from '@app/contracts';
import { NatsConnectionService } from '@app/messaging';
import { SmartBatcher } from '@app/platform';

/**
 * The EVENTS stream's last sequence: "everything stored up to here". An owner change records it,
 * so events stored before the change are still routed by the owner they were stored under.
 *
 * Each lookup is a JetStream API request (STREAM.INFO), which nats-server answers on its
 * serialised API path. Callers that arrive while a lookup is in flight share the next one, never
 * the one in flight: that one may have been answered before they arrived, and a position read
 * before a caller arrived would hand events stored just before its change to the new owner. So
 * every caller still gets a position read after it called, and under load there is one lookup
 * per round trip instead of one per caller.
 */
@Injectable()
export class StreamPosition {
  private readonly lookups = new SmartBatcher<null, number>((callers) => this.lookup(callers.length), Number.MAX_SAFE_INTEGER);

  constructor(private readonly nats: NatsConnectionService) {}

  current(): Promise<number> {
    return this.lookups.submit(null);
  }

  /** Sent with the other NATS writes of this event-loop turn (one socket write for all of them). */
  private async lookup(callers: number): Promise<number[]> {
    const request = new Promise<StreamInfo>((resolve, reject) => {
      this.nats.writes.defer(() => this.nats.jsm.streams.info(streamName(this.nats.options.prefix, 'EVENTS')).then(resolve, reject));
    });
    const info = await request;
    return new Array<number>(callers).fill(info.state.last_seq);
  }
}
