import { Injectable } from '@nestjs/common';
import type { ResealedRow, SealedRow, SealedStore } from '@app/platform';
import { DataSource } from 'typeorm';
import type { TokenState } from './otn-token.entity.js';

export interface CapturedToken {
  pageId: string;
  psid: string;
  topic: string;
  sealedToken: string;
  fingerprint: string;
  createdAt: Date;
  expiresAt: Date;
  eventId: string;
}

export interface TokenGroup {
  topic: string;
  psid?: string;
  validTokens: number;
  earliestExpiry: string;
  latestExpiry: string;
}

/** Tokens of one topic by state; a `valid` token past its expiry counts as expired before the sweep marks it. */
export interface TopicStateCounts {
  topic: string;
  valid: number;
  reserved: number;
  used: number;
  expired: number;
  invalid: number;
}

const VALID_AT = `state = 'valid' AND expires_at > $2`;

/** Token capture, expiry and counting (the notify path lives in send-ledger.repository.ts). */
@Injectable()
export class TokensRepository implements SealedStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * false when this token was already stored (a redelivered opt-in). `previousFingerprints` are
   * the token's fingerprints under the keys of earlier rotations: a row stored before the rotation
   * and not re-sealed yet is indexed by one of those.
   */
  async insertCaptured(t: CapturedToken, previousFingerprints: string[] = []): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO notifications.otn_tokens (page_id, psid, topic, sealed_token, fingerprint, created_at, expires_at, event_id)
       SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::timestamptz, $7::timestamptz, $8::text
        WHERE NOT EXISTS (SELECT 1 FROM notifications.otn_tokens WHERE fingerprint = ANY($9::char(64)[]))
       ON CONFLICT (fingerprint) DO NOTHING RETURNING id`,
      [t.pageId, t.psid, t.topic, t.sealedToken, t.fingerprint, t.createdAt, t.expiresAt, t.eventId, previousFingerprints],
    );
    return rows.length > 0;
  }

  /** Tokens not sealed with the current key, by id (the re-seal after a key rotation); every state, spent ones too. */
  async notSealedWith(prefix: string, after: string | null, limit: number): Promise<SealedRow[]> {
    return this.dataSource.query(
      `SELECT id::text AS id, sealed_token AS sealed FROM notifications.otn_tokens
        WHERE NOT starts_with(sealed_token, $1) AND id > coalesce($2::bigint, 0) ORDER BY id LIMIT $3`,
      [prefix, after, limit],
    );
  }

  /**
   * The same tokens sealed again, with their fingerprints under the current key (capture looks a
   * redelivered opt-in up by it); only where the stored value is still the one read.
   */
  async replaceSealed(rows: ResealedRow[]): Promise<number> {
    const [row]: Array<{ n: number }> = await this.dataSource.query(
      `WITH changed AS (
         UPDATE notifications.otn_tokens AS t SET sealed_token = u.sealed, fingerprint = u.fingerprint
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(id, from_sealed, sealed, fingerprint)
          WHERE t.id = u.id AND t.sealed_token = u.from_sealed RETURNING 1)
       SELECT count(*)::int AS n FROM changed`,
      [rows.map((r) => r.id), rows.map((r) => r.from), rows.map((r) => r.sealed), rows.map((r) => r.fingerprint)],
    );
    return row?.n ?? 0;
  }

  async expireDue(now: Date): Promise<number> {
    const [row]: Array<{ n: number }> = await this.dataSource.query(
      `WITH expired AS (
         UPDATE notifications.otn_tokens SET state = 'expired', updated_at = now()
         WHERE state = 'valid' AND expires_at <= $1 RETURNING 1)
       SELECT count(*)::int AS n FROM expired`,
      [now],
    );
    return row?.n ?? 0;
  }

  async countByState(): Promise<Map<TokenState, number>> {
    const rows: Array<{ state: TokenState; n: number }> = await this.dataSource.query(
      'SELECT state, count(*)::int AS n FROM notifications.otn_tokens GROUP BY state',
    );
    return new Map(rows.map((r) => [r.state, r.n]));
  }

  async validByTopic(pageId: string, now: Date, psid?: string): Promise<TokenGroup[]> {
    const rows = await this.dataSource.query(
      `SELECT topic, count(*)::int AS n, min(expires_at) AS earliest, max(expires_at) AS latest
       FROM notifications.otn_tokens WHERE page_id = $1 AND ${VALID_AT} AND ($3::text IS NULL OR psid = $3)
       GROUP BY topic ORDER BY topic`,
      [pageId, now, psid ?? null],
    );
    return rows.map(toGroup);
  }

  async countsByTopicAndState(pageId: string, now: Date, psid?: string): Promise<TopicStateCounts[]> {
    const rows: TopicStateCounts[] = await this.dataSource.query(
      `SELECT topic,
              count(*) FILTER (WHERE ${VALID_AT})::int AS valid,
              count(*) FILTER (WHERE state = 'reserved')::int AS reserved,
              count(*) FILTER (WHERE state = 'used')::int AS used,
              count(*) FILTER (WHERE state = 'expired' OR (state = 'valid' AND expires_at <= $2))::int AS expired,
              count(*) FILTER (WHERE state = 'invalid')::int AS invalid
       FROM notifications.otn_tokens WHERE page_id = $1 AND ($3::text IS NULL OR psid = $3)
       GROUP BY topic ORDER BY topic`,
      [pageId, now, psid ?? null],
    );
    return rows;
  }

  async validByUser(pageId: string, now: Date, psid: string | undefined, limit: number): Promise<TokenGroup[]> {
    const rows = await this.dataSource.query(
      `SELECT psid, topic, count(*)::int AS n, min(expires_at) AS earliest, max(expires_at) AS latest
       FROM notifications.otn_tokens WHERE page_id = $1 AND ${VALID_AT} AND ($3::text IS NULL OR psid = $3)
       GROUP BY psid, topic ORDER BY psid, topic LIMIT $4`,
      [pageId, now, psid ?? null, limit],
    );
    return rows.map(toGroup);
  }
}

function toGroup(row: { topic: string; psid?: string; n: number; earliest: Date; latest: Date }): TokenGroup {
  return {
    topic: row.topic,
    ...(row.psid === undefined ? {} : { psid: row.psid }),
    validTokens: row.n,
    earliestExpiry: row.earliest.toISOString(),
    latestExpiry: row.latest.toISOString(),
  };
}
