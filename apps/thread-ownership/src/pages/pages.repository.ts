import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PageAppEntity } from './page-app.entity.js';
import { PageEntity } from './page.entity.js';

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

  /** Replaces the Page and its app list in one transaction. */
  async savePage(page: Omit<PageEntity, 'createdAt' | 'updatedAt'>, apps: Array<Omit<PageAppEntity, 'createdAt'>>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(PageEntity).save(page);
      await manager.getRepository(PageAppEntity).delete({ pageId: page.id });
      if (apps.length > 0) await manager.getRepository(PageAppEntity).insert(apps);
    });
  }

  async setSubscribed(pageId: string, appId: string, subscribed: boolean): Promise<boolean> {
    const result = await this.dataSource.getRepository(PageAppEntity).update({ pageId, appId }, { subscribed });
    return (result.affected ?? 0) > 0;
  }
}
