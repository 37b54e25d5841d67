import { z } from 'zod';

/** Meta's Page Inbox (human agents in Meta Business Suite) is modelled as an app with this fixed id. */
export const PAGE_INBOX_APP_ID = '263902037430900';

/** Numeric ids as Meta sends them; we normalise every id to a string (Meta mixes numbers and strings). */
export const pageIdSchema = z.string().regex(/^[0-9]{1,32}$/, 'page id must be numeric');
export const psidSchema = z.string().regex(/^[0-9]{1,32}$/, 'PSID must be numeric');

/**
 * App ids are Meta app ids (numeric) or the suite's own bot names. They become one NATS subject
 * token, so no dots, wildcards or spaces are allowed.
 */
export const appIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'app id: lowercase letters, digits, "_" and "-", at most 64');

export type PageId = z.infer<typeof pageIdSchema>;
export type Psid = z.infer<typeof psidSchema>;
export type AppId = z.infer<typeof appIdSchema>;

/**
 * Metadata (handovers, `message.metadata`): Meta documents "<1000 chars" for message metadata;
 * the handover limit is unconfirmed, so both use that bound, read strictly: at most 999.
 */
export const METADATA_MAX_LENGTH = 999;
export const threadRefSchema = z.object({ pageId: pageIdSchema, psid: psidSchema });
export type ThreadRef = z.infer<typeof threadRefSchema>;

/** Long enough for a UUID or `<orderId>:<topic>`, short enough to sit in a unique index. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 128;
/**
 * A caller's key for a request that must take effect once (a send, a notification): printable
 * ASCII without spaces, since keys are compared byte for byte (no look-alike characters).
 */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(IDEMPOTENCY_KEY_MAX_LENGTH)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
