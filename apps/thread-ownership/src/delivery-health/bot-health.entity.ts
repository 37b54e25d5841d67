import { Column, Entity, PrimaryColumn } from 'typeorm';

export type BotHealthState = 'healthy' | 'failing' | 'unhealthy';

const bigint = { to: (v: number) => v, from: (v: string) => Number(v) };

/**
 * One bot app's delivery health: `failing` since its first failed delivery after a success,
 * `unhealthy` once that lasted BOT_UNHEALTHY_AFTER_MS (the app is then unsubscribed from its
 * Pages). Counters are cumulative since the row was created.
 */
@Entity({ name: 'bot_health' })
export class BotHealthEntity {
  @PrimaryColumn({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ type: 'varchar', length: 16, default: 'healthy' })
  state: BotHealthState;

  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince: Date | null;

  @Column({ name: 'last_failure_at', type: 'timestamptz', nullable: true })
  lastFailureAt: Date | null;

  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true })
  lastSuccessAt: Date | null;

  @Column({ name: 'unhealthy_at', type: 'timestamptz', nullable: true })
  unhealthyAt: Date | null;

  /** Pages the health monitor unsubscribed the app from (what app-level resubscribe restores). */
  @Column({ name: 'unsubscribed_pages', type: 'jsonb', default: () => "'[]'::jsonb" })
  unsubscribedPages: string[];

  @Column({ type: 'bigint', default: 0, transformer: bigint })
  acks: number;

  @Column({ type: 'bigint', default: 0, transformer: bigint })
  naks: number;

  @Column({ type: 'bigint', default: 0, transformer: bigint })
  timeouts: number;

  @Column({ type: 'bigint', default: 0, transformer: bigint })
  redeliveries: number;

  @Column({ name: 'max_deliveries', type: 'bigint', default: 0, transformer: bigint })
  maxDeliveries: number;

  @Column({ type: 'bigint', default: 0, transformer: bigint })
  terminated: number;
}
