import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigint = { to: (v: number) => v, from: (v: string | null) => (v === null ? 0 : Number(v)) };

/**
 * The console's own view of one conversation, built from the streams (never from another app's
 * tables). The owner is the last one the suite reported; thread-ownership stays the authority.
 */
@Entity({ name: 'thread' })
export class ConsoleThreadEntity {
  @PrimaryColumn({ name: 'page_id', type: 'varchar', length: 32 })
  pageId: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  psid: string;

  @Column({ name: 'owner_app_id', type: 'varchar', length: 64, nullable: true })
  ownerAppId: string | null;

  /** BOTS stream position of the fact the owner comes from: an older fact never overwrites a newer one. */
  @Column({ name: 'owner_seq', type: 'bigint', default: 0, transformer: bigint })
  ownerSeq: number;

  /** thread-ownership's row version of the last owner-changed fact applied (0: none yet; see OwnerFact). */
  @Column({ name: 'owner_version', type: 'integer', default: 0 })
  ownerVersion: number;

  @Column({ name: 'last_event_at', type: 'timestamptz' })
  lastEventAt: Date;

  /** The user's last message, postback … (what opens the 24-hour window). */
  @Column({ name: 'last_in_at', type: 'timestamptz', nullable: true })
  lastInAt: Date | null;

  /** One line about the newest timeline entry (e.g. the last message text). */
  @Column({ name: 'last_summary', type: 'text', nullable: true })
  lastSummary: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
