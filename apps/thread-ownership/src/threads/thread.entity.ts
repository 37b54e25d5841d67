import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One conversation (Page + user PSID) and its single owner; `ownerAppId` null means idle. */
@Entity({ name: 'thread' })
export class ThreadEntity {
  @PrimaryColumn({ name: 'page_id', type: 'varchar', length: 32 })
  pageId: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  psid: string;

  @Column({ name: 'owner_app_id', type: 'varchar', length: 64, nullable: true })
  ownerAppId: string | null;

  @Column({ name: 'owner_since', type: 'timestamptz', nullable: true })
  ownerSince: Date | null;

  @Column({ name: 'last_activity_at', type: 'timestamptz', nullable: true })
  lastActivityAt: Date | null;

  /** When ownership lapses for inactivity (null while idle). */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  /** EVENTS stream sequence of the newest event routed for this thread. */
  @Column({ name: 'last_event_seq', type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  lastEventSeq: number;

  /** EVENTS stream position when the current owner took over: older events belong to the previous owner. */
  @Column({ name: 'owner_since_seq', type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  ownerSinceSeq: number;

  /** Bumped by every change of owner; routing's cached view is valid only while it matches. */
  @Column({ type: 'integer', default: 0 })
  version: number;
}
