import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type AppRole = 'bot' | 'inbox';

/** An app taking part in a Page's conversations: a bot (NATS subscriber) or the Page Inbox. */
@Entity({ name: 'page_app' })
export class PageAppEntity {
  @PrimaryColumn({ name: 'page_id', type: 'varchar', length: 32 })
  pageId: string;

  @PrimaryColumn({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ type: 'varchar', length: 16 })
  role: AppRole;

  /** Whether the Page lets this app take threads from their owner (the Page Inbox always may). */
  @Column({ name: 'can_take', type: 'boolean', default: false })
  canTake: boolean;

  /** An unsubscribed app gets no events and may not act. */
  @Column({ type: 'boolean', default: true })
  subscribed: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
