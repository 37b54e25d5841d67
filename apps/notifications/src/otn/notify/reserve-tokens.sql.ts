/**
 * Reserves tokens for a batch of notifies in ONE statement (= one transaction, one commit).
 * Parameters: $1 send ids, $2 app ids, $3 Page ids, $4 PSIDs, $5 topics, $6 messages (jsonb[]),
 * $7 now, $8 lease end. One result row per request, by `ord` (1-based position in the batch).
 *
 * - Per (Page, user, topic), the `cnt` oldest valid, unexpired tokens are locked FOR UPDATE
 *   SKIP LOCKED: tokens held by any other transaction (another batch, another replica) are
 *   skipped, never waited for or shared. Rows that a concurrent commit changed fail the
 *   re-check and are skipped too (the lock sits under the LIMIT, so the next token is taken).
 * - Requests and locked tokens of the same key are paired by rank: two notifies for one user
 *   in one batch get two different tokens, or one gets none.
 * - Reserving the tokens and recording the send rows commit together: no token is ever spent
 *   without its send row. Without a token, `agreed` tells "no token left" from "never agreed".
 */
export const RESERVE_TOKENS_SQL = `
WITH req AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
    WITH ORDINALITY AS r(send_id, app_id, page_id, psid, topic, message, ord)),
ranked AS (
  SELECT req.*, row_number() OVER (PARTITION BY page_id, psid, topic ORDER BY ord) AS n FROM req),
wanted AS (
  SELECT page_id, psid, topic, count(*) AS cnt FROM req GROUP BY page_id, psid, topic),
picked AS (
  SELECT w.page_id, w.psid, w.topic, t.id AS token_id,
         row_number() OVER (PARTITION BY w.page_id, w.psid, w.topic ORDER BY t.created_at, t.id) AS n
  FROM wanted w CROSS JOIN LATERAL (
    SELECT id, created_at FROM notifications.otn_tokens
    WHERE page_id = w.page_id AND psid = w.psid AND topic = w.topic AND state = 'valid' AND expires_at > $7
    ORDER BY created_at, id LIMIT w.cnt FOR UPDATE SKIP LOCKED) t),
matched AS (
  SELECT r.*, p.token_id FROM ranked r JOIN picked p USING (page_id, psid, topic, n)),
reserved AS (
  UPDATE notifications.otn_tokens t SET state = 'reserved', reserved_at = $7, updated_at = now()
  FROM matched m WHERE t.id = m.token_id RETURNING t.id, t.sealed_token),
recorded AS (
  INSERT INTO notifications.otn_sends
    (id, token_id, app_id, page_id, psid, topic, message, status, attempts, next_attempt_at, created_at)
  SELECT send_id, token_id, app_id, page_id, psid, topic, message, 'sending', 0, $8, $7 FROM matched)
SELECT r.ord, t.sealed_token,
  (t.sealed_token IS NOT NULL OR EXISTS (
     SELECT 1 FROM notifications.otn_tokens a WHERE a.page_id = r.page_id AND a.psid = r.psid AND a.topic = r.topic)) AS agreed
FROM req r LEFT JOIN matched m ON m.send_id = r.send_id LEFT JOIN reserved t ON t.id = m.token_id
ORDER BY r.ord`;
