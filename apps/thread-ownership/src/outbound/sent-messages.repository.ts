import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PreparedStatement } from '@app/platform';
import { DataSource } from 'typeorm';
import { SentMessageEntity } from './sent-message.entity.js';

/** Deletes up to `$2` rows sent before `$1`, oldest first (found through `sent_message_sent_at_idx`). */
const PRUNE_SENT = new PreparedStatement(
  'thread_ownership_sent_message_prune_v1',
  `DELETE FROM thread_ownership.sent_message
    WHERE message_id IN (SELECT message_id FROM thread_ownership.sent_message WHERE sent_at < $1 ORDER BY sent_at LIMIT $2)`,
);

@Injectable()
export class SentMessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(row: SentMessageEntity): Promise<void> {
    await this.dataSource.getRepository(SentMessageEntity).createQueryBuilder().insert().values(row).orIgnore().execute();
  }

  /** The message an app already sent to this user with this key, if it is still kept. */
  async sentWithKey(key: { pageId: string; psid: string; appId: string; idempotencyKey: string }): Promise<string | null> {
    const row = await this.dataSource.getRepository(SentMessageEntity).findOne({ select: { messageId: true }, where: key });
    return row?.messageId ?? null;
  }

  async senderOf(messageId: string): Promise<string | null> {
    if (!messageId) return null;
    const row = await this.dataSource.getRepository(SentMessageEntity).findOneBy({ messageId });
    return row?.appId ?? null;
  }

  /** Returns how many rows went. */
  pruneSentBefore(sentBefore: Date, limit: number): Promise<number> {
    return PRUNE_SENT.count(this.dataSource, [sentBefore, limit]);
  }
}
