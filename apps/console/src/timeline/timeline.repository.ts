import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConsoleThreadEntity } from './console-thread.entity.js';
import type { ConsoleFact } from './console-facts.js';
import { TimelineEntryEntity } from './timeline-entry.entity.js';

/** The console's own tables (schema `console`); the only code that knows them. */
@Injectable()
export class TimelineRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Applies one fact in one transaction. Idempotent: a redelivered fact changes nothing. Returns
   * whether an operator would see a difference (new thread, new entry, or another owner).
   */
  async record(fact: ConsoleFact): Promise<boolean> {
    const { thread: t, entry, owner } = fact;
    return this.dataSource.transaction(async (manager) => {
      const before: Array<{ owner_app_id: string | null }> = await manager.query(
        'SELECT owner_app_id FROM console.thread WHERE page_id = $1 AND psid = $2 FOR UPDATE',
        [t.pageId, t.psid],
      );
      // The owner: a newer owner-changed fact (row version) wins; a delivery (BOTS position) only
      // while no owner-changed fact has been seen for the thread (see OwnerFact).
      const [after]: Array<{ owner_app_id: string | null }> = await manager.query(
        `INSERT INTO console.thread AS t (page_id, psid, owner_app_id, owner_seq, owner_version, last_event_at, last_in_at, last_summary, updated_at)
         VALUES ($1, $2, $3, $4, $8, $5, $6, $7, now())
         ON CONFLICT (page_id, psid) DO UPDATE SET
           owner_app_id = CASE WHEN EXCLUDED.owner_version > t.owner_version THEN EXCLUDED.owner_app_id
                               WHEN t.owner_version = 0 AND EXCLUDED.owner_seq > t.owner_seq THEN EXCLUDED.owner_app_id
                               ELSE t.owner_app_id END,
           owner_seq = GREATEST(t.owner_seq, EXCLUDED.owner_seq),
           owner_version = GREATEST(t.owner_version, EXCLUDED.owner_version),
           last_summary = CASE WHEN EXCLUDED.last_summary IS NOT NULL AND EXCLUDED.last_event_at >= t.last_event_at
                               THEN EXCLUDED.last_summary ELSE t.last_summary END,
           last_event_at = GREATEST(t.last_event_at, EXCLUDED.last_event_at),
           last_in_at = GREATEST(t.last_in_at, EXCLUDED.last_in_at),
           updated_at = now()
         RETURNING owner_app_id`,
        [t.pageId, t.psid, owner?.appId ?? null, owner?.seq ?? 0, t.at, t.inAt ?? null, t.summary ?? null, owner?.version ?? 0],
      );
      let changed = before.length === 0 || before[0]?.owner_app_id !== after?.owner_app_id;
      if (entry) {
        const inserted: Array<{ inserted: boolean }> = await manager.query(
          `INSERT INTO console.timeline_entry (dedupe_key, page_id, psid, direction, kind, app_id, summary, details, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (dedupe_key) DO UPDATE SET app_id = COALESCE(console.timeline_entry.app_id, EXCLUDED.app_id)
           RETURNING (xmax = 0) AS inserted`,
          [entry.dedupeKey, entry.pageId, entry.psid, entry.direction, entry.kind, entry.appId, entry.summary, JSON.stringify(entry.details), entry.at],
        );
        changed ||= inserted[0]?.inserted === true;
      }
      return changed;
    });
  }

  /**
   * The owner as thread-ownership itself just said (after an operator action or a detail view).
   * `seq` is the BOTS stream position read *before* asking, so any later stream fact still wins.
   * Only for threads without an owner-changed fact: those facts already carry every change, in
   * order, and an answer read before the newest one was applied would undo it.
   */
  async setOwnerFromAuthority(pageId: string, psid: string, ownerAppId: string | null, seq: number): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE console.thread SET owner_app_id = $3, owner_seq = $4, updated_at = now()
       WHERE page_id = $1 AND psid = $2 AND owner_seq <= $4 AND owner_version = 0 AND owner_app_id IS DISTINCT FROM $3`,
      [pageId, psid, ownerAppId, seq],
    );
    return result[1] > 0;
  }

  recentThreads(limit: number, pageId?: string): Promise<ConsoleThreadEntity[]> {
    return this.dataSource.getRepository(ConsoleThreadEntity).find({
      where: pageId ? { pageId } : {},
      order: { lastEventAt: 'DESC', psid: 'ASC' },
      take: limit,
    });
  }

  findThread(pageId: string, psid: string): Promise<ConsoleThreadEntity | null> {
    return this.dataSource.getRepository(ConsoleThreadEntity).findOneBy({ pageId, psid });
  }

  /** The newest `limit` entries, oldest first (read like a chat). */
  async timeline(pageId: string, psid: string, limit: number): Promise<TimelineEntryEntity[]> {
    const newest = await this.dataSource.getRepository(TimelineEntryEntity).find({
      where: { pageId, psid },
      order: { at: 'DESC', id: 'DESC' },
      take: limit,
    });
    return newest.reverse();
  }
}
