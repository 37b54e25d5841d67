import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Per thread: the user's last interaction (opens the 24 h window), last message (HUMAN_AGENT) and the last event processed. */
@Entity({ name: 'thread_windows' })
export class ThreadWindowEntity {
  @PrimaryColumn({ name: 'page_id', type: 'varchar', length: 32 })
  pageId: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  psid: string;

  @Column({ name: 'last_interaction_at', type: 'timestamptz', nullable: true })
  lastInteractionAt: Date | null;

  @Column({ name: 'last_message_at', type: 'timestamptz', nullable: true })
  lastMessageAt: Date | null;

  /** EVENTS stream sequence of the newest event of this thread we have processed (any kind). */
  @Column({ name: 'last_event_seq', type: 'bigint' })
  lastEventSeq: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
