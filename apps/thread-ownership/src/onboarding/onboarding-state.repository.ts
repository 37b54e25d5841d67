import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { OnboardingStateEntity } from './onboarding-state.entity.js';

export type StateUse = { ok: true; requestedPages: string[] } | { ok: false; reason: 'unknown' | 'used' | 'expired' };

@Injectable()
export class OnboardingStateRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(row: OnboardingStateEntity): Promise<void> {
    await this.dataSource.getRepository(OnboardingStateEntity).insert(row);
  }

  /** Marks the state used in one statement, so two callbacks racing with one state cannot both win. */
  async use(stateHash: string, now: Date): Promise<StateUse> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(OnboardingStateEntity)
      .set({ usedAt: now })
      .where('state_hash = :stateHash AND used_at IS NULL AND expires_at > :now', { stateHash, now })
      .execute();
    const row = await this.dataSource.getRepository(OnboardingStateEntity).findOneBy({ stateHash });
    if ((result.affected ?? 0) > 0 && row) return { ok: true, requestedPages: row.requestedPages };
    return { ok: false, reason: !row ? 'unknown' : row.usedAt ? 'used' : 'expired' };
  }

  async purgeExpiredBefore(before: Date): Promise<void> {
    await this.dataSource.getRepository(OnboardingStateEntity).delete({ expiresAt: LessThan(before) });
  }
}
