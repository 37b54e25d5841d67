import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ResealedRow, SealedRow, SealedStore } from '@app/platform';
import { DataSource, In } from 'typeorm';
import type { AppRow } from './page-app-list.js';
import { PageAppEntity } from './page-app.entity.js';
import { PageEntity } from './page.entity.js';

/** A Page token from a Facebook Login install; the app list is left as it is. */
export interface InstalledToken {
  id: string;
  name: string | null;
  accessTokenSealed: string;
  checkedAt: Date;
}

/** A Page's registration as stored, read under lock by `changePage`. */
export interface StoredRegistration {
  page: PageEntity | null;
  apps: PageAppEntity[];
}

/** What `changePage` writes: the settings given, the token only when given (it then starts valid, unchecked), the whole app list. */
export interface PageWrite {
  settings?: Pick<PageEntity, 'name' | 'defaultOwnerAppId' | 'routingRules'>;
  accessTokenSealed?: string;
  apps: AppRow[];
}

@Injectable()
export class PagesRepository implements SealedStore {
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

  /**
   * Changes a Page's registration in one transaction, under the lock of the Page row and of its
   * app rows: `change` sees the stored registration (page null: a new Page) and returns what to
   * write, or throws. A concurrent change (another registration, the health monitor unsubscribing
   * an app) therefore either comes before, and `change` sees it, or waits and applies after; it is
   * never overwritten with a value read before it. Apps are updated in place (not deleted and
   * inserted again) for the same reason; apps left out of the new list are removed. The Page's
   * `updated_at` moves on every change (the `app_roles` announcements are keyed by it).
   */
  async changePage(pageId: string, change: (stored: StoredRegistration) => PageWrite): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const pages = manager.getRepository(PageEntity);
      const page = await pages.findOne({ where: { id: pageId }, lock: { mode: 'pessimistic_write' } });
      const apps = await manager.getRepository(PageAppEntity).find({ where: { pageId }, lock: { mode: 'pessimistic_write' } });
      const write = change({ page, apps });
      const token = write.accessTokenSealed === undefined ? {} : { accessTokenSealed: write.accessTokenSealed, tokenStatus: 'valid' as const, tokenCheckedAt: null };
      const fields = { ...(write.settings ?? {}), ...token, updatedAt: new Date() };
      if (page) await pages.update({ id: pageId }, fields);
      else await pages.insert({ id: pageId, name: null, defaultOwnerAppId: null, routingRules: [], ...fields } as PageEntity);
      const kept = new Set(write.apps.map((a) => a.appId));
      const removed = apps.filter((a) => !kept.has(a.appId)).map((a) => a.appId);
      if (removed.length > 0) await manager.getRepository(PageAppEntity).delete({ pageId, appId: In(removed) });
      await manager.query(
        `INSERT INTO ${manager.getRepository(PageAppEntity).metadata.tablePath} AS a (page_id, app_id, role, can_take, subscribed)
         SELECT $1, app_id, role, can_take, subscribed FROM unnest($2::varchar[], $3::varchar[], $4::bool[], $5::bool[]) AS u(app_id, role, can_take, subscribed)
         ON CONFLICT (page_id, app_id) DO UPDATE SET role = EXCLUDED.role, can_take = EXCLUDED.can_take, subscribed = EXCLUDED.subscribed`,
        [pageId, write.apps.map((a) => a.appId), write.apps.map((a) => a.role), write.apps.map((a) => a.canTake), write.apps.map((a) => a.subscribed)],
      );
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

  /** Page tokens not sealed with the current key, by Page id (the re-seal after a key rotation). */
  async notSealedWith(prefix: string, after: string | null, limit: number): Promise<SealedRow[]> {
    const table = this.dataSource.getRepository(PageEntity).metadata.tablePath;
    return this.dataSource.query(
      `SELECT id, access_token_sealed AS sealed FROM ${table}
        WHERE NOT starts_with(access_token_sealed, $1) AND ($2::varchar IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [prefix, after, limit],
    );
  }

  /**
   * The same tokens, sealed again; only where the stored value is still the one read. The Page's
   * `updated_at` stays: its registration did not change. (A token check that read the old value
   * and finishes after this leaves the status alone, as for a replaced token; the next check sets it.)
   */
  async replaceSealed(rows: ResealedRow[]): Promise<number> {
    const table = this.dataSource.getRepository(PageEntity).metadata.tablePath;
    const [row]: Array<{ n: number }> = await this.dataSource.query(
      `WITH changed AS (
         UPDATE ${table} AS p SET access_token_sealed = u.sealed
           FROM unnest($1::varchar[], $2::text[], $3::text[]) AS u(id, from_sealed, sealed)
          WHERE p.id = u.id AND p.access_token_sealed = u.from_sealed RETURNING 1)
       SELECT count(*)::int AS n FROM changed`,
      [rows.map((r) => r.id), rows.map((r) => r.from), rows.map((r) => r.sealed)],
    );
    return row?.n ?? 0;
  }
}
