import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RevokedSessionEntity } from './revoked-session.entity.js';

/** Logged-out sessions, shared by every console replica (the cookie itself is stateless). */
@Injectable()
export class RevokedSessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Revokes a session until it would have expired; forgets revocations that are past that. */
  async revoke(id: string, expiresAt: Date, now: Date): Promise<void> {
    await this.dataSource.getRepository(RevokedSessionEntity).createQueryBuilder().insert().values({ id, expiresAt }).orIgnore().execute();
    await this.dataSource.query('DELETE FROM console.revoked_session WHERE expires_at < $1', [now]);
  }

  async isRevoked(id: string): Promise<boolean> {
    return this.dataSource.getRepository(RevokedSessionEntity).existsBy({ id });
  }
}
