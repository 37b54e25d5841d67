import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Whether Meta granted a Page the One-Time Notification feature (Advanced Messaging). */
@Entity({ name: 'page_settings' })
export class PageSettingEntity {
  @PrimaryColumn({ name: 'page_id', type: 'varchar', length: 32 })
  pageId: string;

  @Column({ name: 'otn_enabled', type: 'boolean' })
  otnEnabled: boolean;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
