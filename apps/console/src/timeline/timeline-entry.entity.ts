import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type TimelineDirection = 'in' | 'out' | 'handover' | 'notification';

/** One line of a thread's timeline: a message in or out, a handover, a notification. */
@Entity({ name: 'timeline_entry' })
export class TimelineEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** Facts arrive at least once and from several sources (e.g. a send and its echo): one row each. */
  @Column({ name: 'dedupe_key', type: 'text', unique: true })
  dedupeKey: string;

  @Column({ name: 'page_id', type: 'varchar', length: 32 })
  pageId: string;

  @Column({ type: 'varchar', length: 32 })
  psid: string;

  @Column({ type: 'varchar', length: 16 })
  direction: TimelineDirection;

  /** The event kind (message, postback, optin, pass_thread_control …) or `send`. */
  @Column({ type: 'varchar', length: 40 })
  kind: string;

  /** The app that sent it; for a handover, the app it went to (or that asked for it). */
  @Column({ name: 'app_id', type: 'varchar', length: 64, nullable: true })
  appId: string | null;

  @Column({ type: 'text' })
  summary: string;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  details: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  at: Date;
}
