import { z } from 'zod';

const int = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

/** Tuning of the Graph client: retries (§5.6) and per-Page Send API pacing (§5.5). */
export const graphClientEnvShape = {
  /** Attempts for a failure Meta calls transient (1 = never retry). */
  GRAPH_MAX_ATTEMPTS: int(1, 3),
  /** First retry waits up to this; each further retry doubles it (with jitter). */
  GRAPH_RETRY_BASE_DELAY_MS: int(1, 200),
  /** Meta: 300 sends/s per Page for text, links, reactions, stickers. */
  GRAPH_SEND_RATE_PER_SECOND: int(1, 300),
  /** Meta: 10 sends/s per Page for audio and video. */
  GRAPH_MEDIA_SEND_RATE_PER_SECOND: int(1, 10),
  /**
   * Longest a send waits for its turn (local rate or a pause Meta asked for) before failing with
   * GRAPH_UNAVAILABLE; keep it below RPC_TIMEOUT_MS so a bot never gives up on a send that still goes out.
   */
  GRAPH_SEND_MAX_WAIT_MS: int(0, 4000),
  /** Pause of a Page's sends when Meta reports 100 % usage without a regain estimate. */
  GRAPH_USAGE_PAUSE_MS: int(0, 60_000),
};
