import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PageAppEntity } from '../pages/page-app.entity.js';

export interface AppMembership {
  pageId: string;
  appId: string;
  subscribed: boolean;
}

/** Read-only views of the Page registry by app (the registry itself is written by PagesService). */
@Injectable()
export class BotAppsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every bot app id registered on any Page, subscribed or not. */
  async distinctBotAppIds(): Promise<string[]> {
    const rows: Array<{ app_id: string }> = await this.dataSource
      .getRepository(PageAppEntity)
      .createQueryBuilder('a')
      .select('DISTINCT a.app_id', 'app_id')
      .where('a.role = :role', { role: 'bot' })
      .orderBy('app_id')
      .getRawMany();
    return rows.map((r) => r.app_id);
  }

  async botAppIdsOfPage(pageId: string): Promise<string[]> {
    const apps = await this.dataSource.getRepository(PageAppEntity).find({ where: { pageId, role: 'bot' } });
    return apps.map((a) => a.appId);
  }

  async memberships(appId: string): Promise<AppMembership[]> {
    const apps = await this.dataSource.getRepository(PageAppEntity).find({ where: { appId, role: 'bot' }, order: { pageId: 'ASC' } });
    return apps.map((a) => ({ pageId: a.pageId, appId: a.appId, subscribed: a.subscribed }));
  }
}
