import { Column, Entity, PrimaryColumn } from 'typeorm';

export interface ThreadControl {
  controlType: 'pass' | 'release';
  appId?: string;
  metadata?: string;
}

/**
 * Which bot sent which Page message: lets the echo of a send reach every app but its sender, and
 * answers a repeated send (same idempotency key) with the message that went out.
 */
@Entity({ name: 'sent_message' })
export class SentMessageEntity {
  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 200 })
  messageId: string;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ name: 'page_id', type: 'varchar', length: 32 })
  pageId: string;

  @Column({ type: 'varchar', length: 32 })
  psid: string;

  @Column({ name: 'sent_at', type: 'timestamptz' })
  sentAt: Date;

  /** The sender's key, unique per Page, user and app (partial index: rows without one stay out). */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 128, nullable: true })
  idempotencyKey?: string | null;

  /** The pass or release of a send whose transaction failed after Meta took the message: a repeat completes it. */
  @Column({ name: 'pending_control', type: 'jsonb', nullable: true })
  pendingControl?: ThreadControl | null;
}
