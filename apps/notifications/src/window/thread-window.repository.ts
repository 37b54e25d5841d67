import { Injectable } from '@nestjs/common';
import { PreparedStatement } from '@app/platform';
import { DataSource } from 'typeorm';

export interface ThreadWindowState {
  lastInteractionAt: Date | null;
  lastMessageAt: Date | null;
  lastEventSeq: number;
}

export interface WindowUpdate {
  pageId: string;
  psid: string;
  interactionAt: Date | null;
  /** Set for a user message (the HUMAN_AGENT allowance runs from it), null otherwise. */
  messageAt: Date | null;
  eventSeq: number;
}

/**
 * GREATEST on both columns: a redelivered or late event can never move the window or the
 * processed sequence backwards (GREATEST ignores NULL, so a non-interaction keeps the last one).
 * Prepared once per connection and written for many threads at a time.
 */
const RECORD_WINDOWS = new PreparedStatement(
  'notifications_record_windows_v2',
  `INSERT INTO notifications.thread_windows AS w (page_id, psid, last_interaction_at, last_event_seq, last_message_at)
   SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::timestamptz[], $4::bigint[], $5::timestamptz[])
   ON CONFLICT (page_id, psid) DO UPDATE SET
     last_interaction_at = GREATEST(w.last_interaction_at, EXCLUDED.last_interaction_at),
     last_message_at = GREATEST(w.last_message_at, EXCLUDED.last_message_at),
     last_event_seq = GREATEST(w.last_event_seq, EXCLUDED.last_event_seq),
     updated_at = now()`,
);

const FIND_WINDOW = new PreparedStatement<{ last_interaction_at: Date | null; last_message_at: Date | null; last_event_seq: string }>(
  'notifications_find_window_v2',
  'SELECT last_interaction_at, last_message_at, last_event_seq FROM notifications.thread_windows WHERE page_id = $1 AND psid = $2',
);

@Injectable()
export class ThreadWindowRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Many threads in one statement (and one commit): the events consumer writes a batch at a time. */
  async record(updates: WindowUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const rows = mergeByThread(updates);
    await RECORD_WINDOWS.run(this.dataSource, [
      rows.map((r) => r.pageId),
      rows.map((r) => r.psid),
      rows.map((r) => r.interactionAt),
      rows.map((r) => r.eventSeq),
      rows.map((r) => r.messageAt),
    ]);
  }

  async find(pageId: string, psid: string): Promise<ThreadWindowState | undefined> {
    const [row] = await FIND_WINDOW.run(this.dataSource, [pageId, psid]);
    return row && { lastInteractionAt: row.last_interaction_at, lastMessageAt: row.last_message_at, lastEventSeq: Number(row.last_event_seq) };
  }
}

/** One row per thread (an upsert may not touch a row twice): the latest of each column wins. */
export function mergeByThread(batch: WindowUpdate[]): WindowUpdate[] {
  const merged = new Map<string, WindowUpdate>();
  for (const update of batch) {
    const key = `${update.pageId}\u0000${update.psid}`;
    const held = merged.get(key);
    merged.set(
      key,
      held
        ? { ...held, interactionAt: later(held.interactionAt, update.interactionAt), messageAt: later(held.messageAt, update.messageAt), eventSeq: Math.max(held.eventSeq, update.eventSeq) }
        : update,
    );
  }
  return [...merged.values()];
}

function later(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.getTime() >= b.getTime() ? a : b;
}
