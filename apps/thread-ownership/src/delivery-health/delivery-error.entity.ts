import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * - `nak`: the bot gave the event back (server advisory; the reason comes from the SDK's report);
 * - `timeout`: no answer within the ack wait (inferred: a later delivery with no nak before it);
 * - `max_deliveries`: the server gave the event up;
 * - `terminated`: the bot dropped it (SDK report: nats-server 2.9 has no advisory for it);
 * - `stalled`: events waiting and none acknowledged for a while (no replica pulling, or all stuck).
 */
export type DeliveryErrorKind = 'nak' | 'timeout' | 'max_deliveries' | 'terminated' | 'stalled';

/** The "recent errors" of a bot app, as Meta's webhook dashboard lists them. */
@Entity({ name: 'delivery_error' })
export class DeliveryErrorEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: DeliveryErrorKind;

  /** BOTS stream sequence of the event (`stalled`: the first one not acknowledged). */
  @Column({ name: 'stream_seq', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  streamSeq: number;

  /** Which delivery of the event failed (1 = first); 0 for `stalled`. */
  @Column({ name: 'delivery_count', type: 'integer' })
  deliveryCount: number;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 200, nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'page_id', type: 'varchar', length: 32, nullable: true })
  pageId: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  psid: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'timestamptz' })
  at: Date;
}
