import { z } from 'zod';

/**
 * Builds a `ConfigModule` validate function from a zod schema. A bad or missing variable stops
 * the boot with one line per variable that names it (never its value: it may be a secret).
 */
export function validateEnv<S extends z.ZodType>(schema: S) {
  return (raw: Record<string, unknown>): z.infer<S> => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  };
}

const port = z.coerce.number().int().min(0).max(65535);

/** `.env.example`'s placeholders: "replace-with-…" and "REPLACE_ME…". */
const PLACEHOLDER = /^replace[-_ ]?(me|with)/i;

/**
 * A secret the operator must choose: at least `min` characters, and not `.env.example`'s
 * placeholder, which is public (a copied example file would boot with known credentials).
 */
export const secretSchema = (min: number, hint = `must be at least ${min} characters`) =>
  z
    .string()
    .min(min, hint)
    .refine((value) => !PLACEHOLDER.test(value), 'is still the placeholder from .env.example: set your own secret value');
/** Subject prefix: one NATS token (no dots), so `<prefix>.rpc.<appId>.…` keeps fixed positions. */
export const subjectPrefixSchema = z.string().regex(/^[a-z0-9_-]{1,32}$/, 'lowercase letters, digits, "_" or "-" (one NATS token)');
const encryptionKey = z
  .string()
  .refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 random bytes, base64-encoded (openssl rand -base64 32)');

/** Variables every service reads. */
export const baseEnvShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  NATS_PREFIX: subjectPrefixSchema.default('mho'),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
};
export const databaseEnvShape = {
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/mho'),
  DB_SKIP_MIGRATIONS: z.stringbool().default(false),
};
/**
 * Keys of earlier rotations, comma-separated: they only open values sealed before the rotation
 * (TokenCipher); every service re-seals what it stores with TOKEN_ENCRYPTION_KEY.
 */
const previousEncryptionKeys = z
  .string()
  .default('')
  .transform((list) => list.split(',').map((k) => k.trim()).filter(Boolean))
  .pipe(z.array(encryptionKey));
export const encryptionEnvShape = { TOKEN_ENCRYPTION_KEY: encryptionKey, TOKEN_ENCRYPTION_PREVIOUS_KEYS: previousEncryptionKeys };
export const graphEnvShape = {
  GRAPH_API_URL: z.string().url().default('https://graph.facebook.com'),
  GRAPH_API_VERSION: z.string().regex(/^v\d+\.\d+$/).default('v23.0'),
  META_APP_SECRET: secretSchema(1, 'must be set'),
};
export const portSchema = port;
