import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One Facebook Login attempt: the hash of its `state`, what it asked for, and whether it was used. */
@Entity({ name: 'onboarding_state' })
export class OnboardingStateEntity {
  /** sha256 of the state value: a leaked table row cannot be replayed. */
  @PrimaryColumn({ name: 'state_hash', type: 'varchar', length: 64 })
  stateHash: string;

  /** Page ids the install was started for; empty = every Page the user grants. */
  @Column({ name: 'requested_pages', type: 'jsonb', default: () => "'[]'::jsonb" })
  requestedPages: string[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
