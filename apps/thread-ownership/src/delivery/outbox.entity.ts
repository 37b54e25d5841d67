import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Transactional outbox: bot events caused by a request (pass, take …) are written in the same
 * transaction as the ownership change and published after commit; a relay republishes any row
 * a crash left unpublished (JetStream deduplicates on `msg_id`).
 */
@Entity({ name: 'outbox' })
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  subject: string;

  @Column({ name: 'msg_id', type: 'varchar', length: 200 })
  msgId: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;
}
