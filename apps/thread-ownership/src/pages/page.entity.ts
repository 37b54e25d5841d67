import type { RoutingRule } from '../routing/routing-rules.js';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** `needs_reauth`: Meta refused the token (190) or debug_token found it invalid; it is not used until re-installed. */
export type PageTokenStatus = 'valid' | 'needs_reauth';

/** A Facebook Page served by the suite. The access token is stored sealed (AES-256-GCM), never in clear. */
@Entity({ name: 'page' })
export class PageEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name: string | null;

  /** Conversation Routing's default app: owns idle threads on the user's next message. */
  @Column({ name: 'default_owner_app_id', type: 'varchar', length: 64, nullable: true })
  defaultOwnerAppId: string | null;

  /** Entry-point routing (Conversation Routing): which app gets an idle thread entered this way. */
  @Column({ name: 'routing_rules', type: 'jsonb', default: () => "'[]'::jsonb" })
  routingRules: RoutingRule[];

  @Column({ name: 'access_token_sealed', type: 'text' })
  accessTokenSealed: string;

  @Column({ name: 'token_status', type: 'varchar', length: 16, default: 'valid' })
  tokenStatus: PageTokenStatus;

  /** Last time Meta confirmed or refused the token (install, debug_token re-check, a 190). */
  @Column({ name: 'token_checked_at', type: 'timestamptz', nullable: true })
  tokenCheckedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
