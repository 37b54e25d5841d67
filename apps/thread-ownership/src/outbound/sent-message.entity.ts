import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which bot sent which Page message: lets the echo of a send reach every app but its sender. */
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
}
