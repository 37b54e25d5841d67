import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PreparedStatement, SmartBatcher } from '@app/platform';
import { DataSource } from 'typeorm';

export interface RoutingRecord {
  pageId: string;
  psid: string;
  streamSeq: number;
  /** The row version the caller's cached owner was read at. */
  version: number;
  now: Date;
  /** A user interaction on an owned thread: ownership expiry moves on. */
  activity: boolean;
  expiresAt: Date | null;
  /**
   * The stored expiry is moved to `expiresAt` only if it is older than this: `expires_at` is
   * indexed, so writing it makes the update non-HOT (new index entries for every event); a
   * stored expiry that trails the real one a little is fine (OwnershipService.lapsesAt).
   */
  refreshExpiryBefore: Date | null;
}

/**
 * Moves each routed thread's position (and activity) forward, but only where the thread is still
 * at the version the caller's cached owner was read at and the position was not routed yet.
 *
 * A row locked by an ownership change in flight is skipped (SKIP LOCKED) rather than waited for:
 * that event takes the locked path, which waits for the change and reads the truth, while the
 * other threads of the batch are not held up behind it. The rows it does take stay locked until
 * the statement ends, so no change can slip in between the version check and the write. The
 * indexed `expires_at` is written only when it trails by more than the refresh margin, so the
 * update of an active thread is usually HOT (no index entries, and little to vacuum).
 *
 * Asynchronous commit: the durable fact is the event in JetStream, acked only after this returns;
 * losing this update in a database crash costs nothing (the event was delivered, and a redelivery
 * takes the locked path, which reads the truth). One statement per batch: the events of all
 * partitions that arrive while a write is in flight go together in the next one.
 */
const RECORD_ROUTING = new PreparedStatement<{ page_id: string; psid: string }>(
  'thread_ownership_record_routing_v4',
  `WITH cfg AS (SELECT set_config('synchronous_commit', 'off', true) AS applied),
        batch AS (
          SELECT page_id, psid, seq, version, activity,
                 to_timestamp(at_ms / 1000.0) AS at, to_timestamp(expires_ms / 1000.0) AS expires_at, to_timestamp(refresh_before_ms / 1000.0) AS refresh_before
            FROM unnest($1::varchar[], $2::varchar[], $3::bigint[], $4::int[], $5::bool[], $6::float8[], $7::float8[], $8::float8[])
              AS b(page_id, psid, seq, version, activity, at_ms, expires_ms, refresh_before_ms)),
        current AS (
          SELECT t.page_id, t.psid FROM thread_ownership.thread t
            JOIN batch b ON t.page_id = b.page_id AND t.psid = b.psid
           WHERE t.version = b.version AND t.last_event_seq < b.seq
             AND EXISTS (SELECT 1 FROM cfg WHERE applied IS NOT NULL)
             FOR UPDATE OF t SKIP LOCKED)
   UPDATE thread_ownership.thread t
      SET last_event_seq = b.seq,
          last_activity_at = CASE WHEN b.activity THEN b.at ELSE t.last_activity_at END,
          expires_at = CASE WHEN b.activity AND (t.expires_at IS NULL OR t.expires_at < b.refresh_before) THEN b.expires_at ELSE t.expires_at END
     FROM current c JOIN batch b ON b.page_id = c.page_id AND b.psid = c.psid
    WHERE t.page_id = c.page_id AND t.psid = c.psid
   RETURNING t.page_id, t.psid`,
);

/** Routing's fast-path write: one statement, no read, batched across partitions. */
@Injectable()
export class RoutingWritesRepository {
  private readonly batcher = new SmartBatcher<RoutingRecord, boolean>((batch) => this.write(batch));

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** True when the write matched: the cached owner was current. False: the locked path decides. */
  record(routing: RoutingRecord): Promise<boolean> {
    return this.batcher.submit(routing);
  }

  private async write(batch: RoutingRecord[]): Promise<boolean[]> {
    // One row per thread per statement (a thread has one event in flight, but a redelivery after
    // an ack timeout could overlap): a repeat is answered "no", and the locked path decides it.
    const seen = new Set<string>();
    const unique = batch.map((r) => {
      const key = keyOf(r.pageId, r.psid);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const rows = batch.filter((_, i) => unique[i]);
    const matched = await RECORD_ROUTING.run(this.dataSource, [
      rows.map((r) => r.pageId),
      rows.map((r) => r.psid),
      rows.map((r) => r.streamSeq),
      rows.map((r) => r.version),
      rows.map((r) => r.activity),
      // Times as epoch milliseconds: serialising Dates into array literals was a visible share of
      // this statement's cost (pg's dateToString per element).
      rows.map((r) => r.now.getTime()),
      rows.map((r) => r.expiresAt?.getTime() ?? null),
      rows.map((r) => r.refreshExpiryBefore?.getTime() ?? null),
    ]);
    const hits = new Set(matched.map((row) => keyOf(row.page_id, row.psid)));
    return batch.map((r, i) => unique[i] === true && hits.has(keyOf(r.pageId, r.psid)));
  }
}

const keyOf = (pageId: string, psid: string) => `${pageId}\u0000${psid}`;
