import type { JetStreamManager, MsgRequest, StoredMsg } from '@nats-io/jetstream';

/**
 * The first message on `subject` at or after `seq` ($JS.API.STREAM.MSG.GET with `next_by_subj`,
 * which nats-server 2.9 answers; nats.js 3.4 only types it for direct gets). Null: none.
 */
export function nextBySubject(jsm: JetStreamManager, stream: string, subject: string, seq: number): Promise<StoredMsg | null> {
  return jsm.streams.getMessage(stream, { next_by_subj: subject, seq } as unknown as MsgRequest);
}
