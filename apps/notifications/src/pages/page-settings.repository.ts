import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { PageSettingEntity } from './page-setting.entity.js';

@Injectable()
export class PageSettingsRepository {
  private readonly rows: Repository<PageSettingEntity>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(PageSettingEntity);
  }

  /** undefined: the Page has no row (the environment default applies). */
  async otnEnabled(pageId: string): Promise<boolean | undefined> {
    const row = await this.rows.findOne({ where: { pageId }, select: { otnEnabled: true } });
    return row?.otnEnabled;
  }

  async save(pageId: string, otnEnabled: boolean, now: Date): Promise<void> {
    await this.rows.upsert({ pageId, otnEnabled, updatedAt: now }, ['pageId']);
  }
}
