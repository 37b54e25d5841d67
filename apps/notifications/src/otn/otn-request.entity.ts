import { Column, Entity, PrimaryColumn } from 'typeorm';

export type RequestStatus = 'pending' | 'sent' | 'failed';

/** One "Notify Me" ask sent (or being sent) to a user; the throttle reads these. */
@Entity({ name: 'otn_requests' })
export class OtnRequestEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'app_id', type: 'text' })
  appId: string;

  @Column({ name: 'page_id', type: 'varchar', length: 32 })
  pageId: string;

  @Column({ type: 'varchar', length: 32 })
  psid: string;

  @Column({ type: 'text' })
  topic: string;

  @Column({ type: 'text' })
  title: string;

  /** A failed ask does not count for the throttle: the user never saw it. */
  @Column({ type: 'text' })
  status: RequestStatus;

  @Column({ name: 'message_id', type: 'text', nullable: true })
  messageId: string | null;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
