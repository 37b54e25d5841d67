import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The routing decision for each stored webhook event. A redelivered event is routed again by the
 * same decision (same owner), so bots never see it under two owners.
 */
@Entity({ name: 'routed_event' })
export class RoutedEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 200 })
  eventId: string;

  @Column({ name: 'owner_app_id', type: 'varchar', length: 64, nullable: true })
  ownerAppId: string | null;

  @Column({ name: 'routed_at', type: 'timestamptz' })
  routedAt: Date;
}
