import { Injectable } from '@nestjs/common';
import { streamName } from '@app/contracts';
import { NatsConnectionService } from '@app/messaging';

/** The BOTS stream's newest position: "everything the suite published up to now". */
@Injectable()
export class StreamPositions {
  constructor(private readonly nats: NatsConnectionService) {}

  async botsLastSeq(): Promise<number> {
    const info = await this.nats.jsm.streams.info(streamName(this.nats.options.prefix, 'BOTS'));
    return info.state.last_seq;
  }
}
