import { Injectable } from '@nestjs/common';
import { streamName } from '@app/contracts';
import { NatsConnectionService } from '@app/messaging';

/**
 * The EVENTS stream's last sequence: "everything stored up to here". An owner change records it,
 * so events stored before the change are still routed by the owner they were stored under.
 */
@Injectable()
export class StreamPosition {
  constructor(private readonly nats: NatsConnectionService) {}

  async current(): Promise<number> {
    const info = await this.nats.jsm.streams.info(streamName(this.nats.options.prefix, 'EVENTS'));
    return info.state.last_seq;
  }
}
