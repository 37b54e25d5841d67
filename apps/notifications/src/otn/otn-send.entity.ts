import { Column, Entity, PrimaryColumn } from 'typeorm';

/** sending: attempt in flight (leased) · retrying: waits for the retry loop · sent · failed · rejected (never reached Meta). */
export type SendStatus = 'sending' | 'retrying' | 'sent' | 'failed' | 'rejected';

/** One notification a bot asked for, with the token it spends; kept so a retry can resend it. */
@Entity({ name: 'otn_sends' })
export class OtnSendEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'token_id', type: 'bigint' })
  tokenId: string;

  @Column({ name: 'app_id', type: 'text' })
  appId: string;

  @Column({ name: 'page_id', type: 'varchar', length: 32 })
  pageId: string;

  @Column({ type: 'varchar', length: 32 })
  psid: string;

  @Column({ type: 'text' })
  topic: string;

  @Column({ type: 'jsonb' })
  message: Record<string, unknown>;

  @Column({ type: 'text' })
  status: SendStatus;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'message_id', type: 'text', nullable: true })
  messageId: string | null;

  /** Meta's `recipient_id` of the sent message (it may omit it), for repeats of the same key. */
  @Column({ name: 'recipient_id', type: 'text', nullable: true })
  recipientId: string | null;

  /** The bot's key (SendNotification.idempotencyKey), unique per Page and app; null without one. */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 128, nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'last_error', type: 'jsonb', nullable: true })
  lastError: Record<string, unknown> | null;

  /** For sending: the lease end; for retrying: when the retry loop may try again. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
