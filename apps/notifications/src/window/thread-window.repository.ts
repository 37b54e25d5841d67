import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ThreadWindowState {
  lastInteractionAt: Date | null;
  lastEventSeq: number;
}

@Injectable()
export class ThreadWindowRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * GREATEST on both columns: a redelivered or late event can never move the window or the
   * processed sequence backwards (GREATEST ignores NULL, so a non-interaction keeps the last one).
   */
  async record(pageId: string, psid: string, interactionAt: Date | null, eventSeq: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notifications.thread_windows AS w (page_id, psid, last_interaction_at, last_event_seq)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (page_id, psid) DO UPDATE SET
         last_interaction_at = GREATEST(w.last_interaction_at, EXCLUDED.last_interaction_at),
         last_event_seq = GREATEST(w.last_event_seq, EXCLUDED.last_event_seq),
         updated_at = now()`,
      [pageId, psid, interactionAt, eventSeq],
    );
  }

  async find(pageId: string, psid: string): Promise<ThreadWindowState | undefined> {
    const rows: Array<{ last_interaction_at: Date | null; last_event_seq: string }> = await this.dataSource.query(
      'SELECT last_interaction_at, last_event_seq FROM notifications.thread_windows WHERE page_id = $1 AND psid = $2',
      [pageId, psid],
    );
    const row = rows[0];
    return row && { lastInteractionAt: row.last_interaction_at, lastEventSeq: Number(row.last_event_seq) };
  }
}
