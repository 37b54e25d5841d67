import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type OwnershipAction = 'pass' | 'take' | 'request' | 'release' | 'default' | 'idle_timeout' | 'external' | 'bot_unhealthy' | 'app_removed';

/** Audit log: every change of owner (and every request), who did it, from whom, to whom, why. */
@Entity({ name: 'ownership_change' })
export class OwnershipChangeEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'page_id', type: 'varchar', length: 32 })
  pageId: string;

  @Column({ type: 'varchar', length: 32 })
  psid: string;

  @Column({ type: 'varchar', length: 16 })
  action: OwnershipAction;

  @Column({ name: 'actor_app_id', type: 'varchar', length: 64, nullable: true })
  actorAppId: string | null;

  @Column({ name: 'from_app_id', type: 'varchar', length: 64, nullable: true })
  fromAppId: string | null;

  @Column({ name: 'to_app_id', type: 'varchar', length: 64, nullable: true })
  toAppId: string | null;

  @Column({ type: 'text', nullable: true })
  metadata: string | null;

  @Column({ type: 'timestamptz' })
  at: Date;

  /** EVENTS stream position from which the new owner applies. */
  @Column({ name: 'stream_seq', type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  streamSeq: number;
}
