/**
 * Reserves tokens for a batch of notifies in ONE statement (= one transaction, one commit).
 * Parameters: $1 send ids, $2 app ids, $3 Page ids, $4 PSIDs, $5 topics, $6 messages (jsonb[]),
 * $7 now, $8 lease end, $9 idempotency keys (null without one). One result row per request, by
 * `ord` (1-based position in the batch).
 *
 * - Per (Page, user, topic), the `cnt` oldest valid, unexpired tokens are locked FOR UPDATE
 *   SKIP LOCKED: tokens held by any other transaction (another batch, another replica) are
 *   skipped, never waited for or shared. Rows that a concurrent commit changed fail the
 *   re-check and are skipped too (the lock sits under the LIMIT, so the next token is taken).
 * - Requests and locked tokens of the same key are paired by rank: two notifies for one user
 *   in one batch get two different tokens, or one gets none.
 * - Reserving the tokens and recording the send rows commit together: no token is ever spent
 *   without its send row. Without a token, `agreed` tells "no token left" from "never agreed".
 * - Idempotency keys: a key already recorded, or already used by an earlier request of the
 *   batch, asks for no token. A key another transaction records at the same moment (another
 *   replica) is caught by the unique index: the send row is inserted first, ON CONFLICT DO
 *   NOTHING (which waits for that transaction), and only inserted rows reserve their token, so
 *   the loser reserves nothing. Keys are inserted in key order, so two batches holding the same
 *   keys wait for each other in one order and never deadlock. `duplicate`: the key's send is
 *   recorded (by now committed); the caller answers with its outcome.
 */
export const RESERVE_TOKENS_SQL = `
WITH req AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $9::text[])
    WITH ORDINALITY AS r(send_id, app_id, page_id, psid, topic, message, idempotency_key, ord)),
keyed AS (
  SELECT r.*,
    row_number() OVER (PARTITION BY page_id, app_id, idempotency_key ORDER BY ord) AS key_rank,
    (r.idempotency_key IS NOT NULL AND EXISTS (
       SELECT 1 FROM notifications.otn_sends s
       WHERE s.page_id = r.page_id AND s.app_id = r.app_id AND s.idempotency_key = r.idempotency_key)) AS key_recorded
  FROM req r),
fresh AS (
  SELECT * FROM keyed WHERE idempotency_key IS NULL OR (key_rank = 1 AND NOT key_recorded)),
ranked AS (
  SELECT fresh.*, row_number() OVER (PARTITION BY page_id, psid, topic ORDER BY ord) AS n FROM fresh),
wanted AS (
  SELECT page_id, psid, topic, count(*) AS cnt FROM fresh GROUP BY page_id, psid, topic),
picked AS (
  SELECT w.page_id, w.psid, w.topic, t.id AS token_id,
         row_number() OVER (PARTITION BY w.page_id, w.psid, w.topic ORDER BY t.created_at, t.id) AS n
  FROM wanted w CROSS JOIN LATERAL (
    SELECT id, created_at FROM notifications.otn_tokens
    WHERE page_id = w.page_id AND psid = w.psid AND topic = w.topic AND state = 'valid' AND expires_at > $7
    ORDER BY created_at, id LIMIT w.cnt FOR UPDATE SKIP LOCKED) t),
matched AS (
  SELECT r.*, p.token_id FROM ranked r JOIN picked p USING (page_id, psid, topic, n)),
recorded AS (
  INSERT INTO notifications.otn_sends
    (id, token_id, app_id, page_id, psid, topic, message, idempotency_key, status, attempts, next_attempt_at, created_at)
  SELECT send_id, token_id, app_id, page_id, psid, topic, message, idempotency_key, 'sending', 0, $8, $7 FROM matched
  ORDER BY page_id, app_id, idempotency_key
  ON CONFLICT (page_id, app_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id, token_id),
reserved AS (
  UPDATE notifications.otn_tokens t SET state = 'reserved', reserved_at = $7, updated_at = now()
  FROM recorded s WHERE t.id = s.token_id RETURNING s.id AS send_id, t.sealed_token)
SELECT k.ord, t.sealed_token,
  (t.sealed_token IS NOT NULL OR EXISTS (
     SELECT 1 FROM notifications.otn_tokens a WHERE a.page_id = k.page_id AND a.psid = k.psid AND a.topic = k.topic)) AS agreed,
  (k.idempotency_key IS NOT NULL AND t.sealed_token IS NULL AND (k.key_recorded OR EXISTS (
     SELECT 1 FROM matched m WHERE m.page_id = k.page_id AND m.app_id = k.app_id AND m.idempotency_key = k.idempotency_key))) AS duplicate
FROM keyed k LEFT JOIN reserved t ON t.send_id = k.send_id
ORDER BY k.ord`;
