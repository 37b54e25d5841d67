import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type TokenState = 'valid' | 'reserved' | 'used' | 'invalid' | 'expired';
export const TOKEN_STATES: readonly TokenState[] = ['valid', 'reserved', 'used', 'invalid', 'expired'];

/** One opt-in: Meta's single-use token, sealed, for one Page, user and topic. */
@Entity({ name: 'otn_tokens' })
export class OtnTokenEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'page_id', type: 'varchar', length: 32 })
  pageId: string;

  @Column({ type: 'varchar', length: 32 })
  psid: string;

  @Column({ type: 'text' })
  topic: string;

  /** TokenCipher.seal output; the clear token is never stored. */
  @Column({ name: 'sealed_token', type: 'text' })
  sealedToken: string;

  /** Keyed HMAC of the clear token: a redelivered opt-in hits the unique index. */
  @Column({ type: 'char', length: 64, unique: true })
  fingerprint: string;

  @Column({ type: 'text' })
  state: TokenState;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'reserved_at', type: 'timestamptz', nullable: true })
  reservedAt: Date | null;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @Column({ name: 'event_id', type: 'text' })
  eventId: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
