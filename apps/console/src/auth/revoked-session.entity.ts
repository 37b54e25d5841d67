import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A session logged out before its expiry: its cookie no longer opens the console. */
@Entity({ name: 'revoked_session' })
export class RevokedSessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
