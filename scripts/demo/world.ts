import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';

export interface DemoWorld {
  env: Record<string, string>;
}

/**
 * The demo gets a fresh world each run: its own database (`mho_demo`) and subject prefix
 * (`demo`), emptied first, so it never touches anything else on the machine.
 */
export async function freshWorld(): Promise<DemoWorld> {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS mho_demo WITH (FORCE)');
  await admin.query('CREATE DATABASE mho_demo');
  await admin.end();
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  for await (const name of jsm.streams.names()) if (name.startsWith('DEMO_')) await jsm.streams.delete(name);
  await nc.close();
  return {
    env: {
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mho_demo',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_PREFIX: 'demo',
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      META_APP_SECRET: 'demo-app-secret',
      META_VERIFY_TOKEN: 'demo-verify-token',
      ADMIN_API_TOKEN: 'demo-admin-token-change-me',
      GRAPH_API_URL: 'http://127.0.0.1:3900',
      OTN_ENABLED_BY_DEFAULT: 'true',
      EMULATOR_PORT: '3900',
      // Lets `POST /_emulator/users/:psid/messages` play a user writing to the running demo.
      EMULATOR_WEBHOOK_URL: 'http://127.0.0.1:3000/webhook',
      INGRESS_PORT: '3000',
      THREAD_OWNERSHIP_PORT: '3001',
      NOTIFICATIONS_PORT: '3002',
      CONSOLE_PORT: '3003',
      CONSOLE_PASSWORD: 'demo-console-password',
      CONSOLE_SESSION_SECRET: randomBytes(32).toString('base64'),
      THREAD_OWNERSHIP_URL: 'http://127.0.0.1:3001',
      NOTIFICATIONS_URL: 'http://127.0.0.1:3002',
    },
  };
}
