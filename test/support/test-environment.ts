import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export interface TestEnvironment {
  databaseUrl: string;
  prefix: string;
  natsUrl: string;
  /** Drops the database and deletes this run's streams. */
  cleanup(): Promise<void>;
}

/**
 * A private world for one test file: its own database and its own NATS subject prefix (hence
 * its own streams), so parallel files and concurrent CI runs never see each other.
 * Sets the matching process.env, so import app modules *after* calling this.
 */
export async function createTestEnvironment(extraEnv: Record<string, string> = {}): Promise<TestEnvironment> {
  const id = randomBytes(5).toString('hex');
  const database = `mho_test_${id}`;
  const prefix = `t${id}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${database}`);
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    NATS_URL,
    NATS_PREFIX: prefix,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    META_APP_SECRET: 'test-app-secret',
    META_VERIFY_TOKEN: 'test-verify-token',
    ADMIN_API_TOKEN: 'test-admin-token-0123456789',
    EVENT_DEDUPE_WINDOW_MS: '120000',
    ...extraEnv,
  });
  return { databaseUrl, prefix, natsUrl: NATS_URL, cleanup: () => cleanup(database, prefix) };
}

async function cleanup(database: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  for await (const name of jsm.streams.names()) {
    if (name.startsWith(`${prefix.toUpperCase()}_`)) await jsm.streams.delete(name);
  }
  await nc.close();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
