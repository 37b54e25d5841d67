import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PageAppEntity } from './page-app.entity.js';
import { PageEntity } from './page.entity.js';

/** A Page token from a Facebook Login install; the app list is left as it is. */
export interface InstalledToken {
  id: string;
  name: string | null;
  accessTokenSealed: string;
  checkedAt: Date;
}

@Injectable()
export class PagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findPage(pageId: string): Promise<PageEntity | null> {
    return this.dataSource.getRepository(PageEntity).findOneBy({ id: pageId });
  }

  findApps(pageId: string): Promise<PageAppEntity[]> {
    return this.dataSource.getRepository(PageAppEntity).find({ where: { pageId }, order: { createdAt: 'ASC', appId: 'ASC' } });
  }

  listPages(): Promise<PageEntity[]> {
    return this.dataSource.getRepository(PageEntity).find({ order: { id: 'ASC' } });
  }

  /** Replaces the Page and its app list in one transaction. An operator-given token starts valid, unchecked. */
  async savePage(page: Omit<PageEntity, 'createdAt' | 'updatedAt' | 'tokenStatus' | 'tokenCheckedAt'>, apps: Array<Omit<PageAppEntity, 'createdAt'>>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(PageEntity).save({ ...page, tokenStatus: 'valid', tokenCheckedAt: null });
      await manager.getRepository(PageAppEntity).delete({ pageId: page.id });
      if (apps.length > 0) await manager.getRepository(PageAppEntity).insert(apps);
    });
  }

  async setSubscribed(pageId: string, appId: string, subscribed: boolean): Promise<boolean> {
    const result = await this.dataSource.getRepository(PageAppEntity).update({ pageId, appId }, { subscribed });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Creates the Page (with `appsOfNewPage`) or replaces only its token (and name, when Meta gave
   * one); apps, default owner and routing rules stay. One statement, so concurrent installs agree.
   */
  async upsertToken(token: InstalledToken, appsOfNewPage: Array<Omit<PageAppEntity, 'createdAt'>>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const table = manager.getRepository(PageEntity).metadata.tablePath;
      const rows: Array<{ inserted: boolean }> = await manager.query(
        `INSERT INTO ${table} AS p (id, name, access_token_sealed, token_status, token_checked_at)
         VALUES ($1, $2, $3, 'valid', $4)
         ON CONFLICT (id) DO UPDATE SET name = COALESCE(EXCLUDED.name, p.name), access_token_sealed = EXCLUDED.access_token_sealed,
           token_status = 'valid', token_checked_at = EXCLUDED.token_checked_at, updated_at = now()
         RETURNING (xmax = 0) AS inserted`,
        [token.id, token.name, token.accessTokenSealed, token.checkedAt],
      );
      if (rows[0]?.inserted && appsOfNewPage.length > 0) await manager.getRepository(PageAppEntity).insert(appsOfNewPage);
    });
  }

  /** Only while the token is still `sealed`: a 190 for a token replaced meanwhile must not flag the new one. */
  async markNeedsReauth(pageId: string, sealed: string, at: Date): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(PageEntity)
      .update({ id: pageId, accessTokenSealed: sealed, tokenStatus: 'valid' }, { tokenStatus: 'needs_reauth', tokenCheckedAt: at });
    return (result.affected ?? 0) > 0;
  }

  async markTokenChecked(pageId: string, sealed: string, at: Date): Promise<void> {
    await this.dataSource.getRepository(PageEntity).update({ id: pageId, accessTokenSealed: sealed }, { tokenCheckedAt: at });
  }
}
