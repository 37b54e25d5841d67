import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SentMessageEntity } from './sent-message.entity.js';

@Injectable()
export class SentMessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(row: SentMessageEntity): Promise<void> {
    await this.dataSource.getRepository(SentMessageEntity).createQueryBuilder().insert().values(row).orIgnore().execute();
  }

  async senderOf(messageId: string): Promise<string | null> {
    if (!messageId) return null;
    const row = await this.dataSource.getRepository(SentMessageEntity).findOneBy({ messageId });
    return row?.appId ?? null;
  }
}
