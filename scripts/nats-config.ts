import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import pg from 'pg';
import { DEFAULT_SERVICE_USERS, renderNatsConfig, natsUsers } from '../apps/thread-ownership/src/access/nats-config.js';
import { newCredentialsSecret } from '@app/messaging';

/**
 * Writes the nats-server accounts/users configuration for the Page registry (docs/access-control.md).
 *
 *   npm run build && node dist/scripts/nats-config.js [--apps a,b] [--out mho-accounts.conf] [--passwords]
 *       [--server-config nats.conf [--store-dir /data] [--listen 0.0.0.0:4222] [--monitor-port 8222]]
 *       [--registry-optional] [--require-secret]
 *
 * Bot apps come from `--apps` or from the registry (DATABASE_URL); NATS_PREFIX, NATS_ACCOUNT,
 * NATS_SERVICE_USERS and NATS_CREDENTIALS_SECRET as for thread-ownership. Without a secret, one
 * is generated and printed once on stderr: keep it in the suite's environment, every password
 * is derived from it (`--require-secret` refuses instead: docker compose, whose services derive
 * their own passwords from the secret they are given). `--passwords` prints each user's password
 * on stderr (to hand over to the bot's operator); otherwise they are only in the file.
 *
 * `--server-config` also writes the server's main configuration (listen address, monitoring port,
 * JetStream store, and an include of the `--out` file, which must sit in the same directory), as
 * docker compose runs nats-server; it refuses if the store already holds streams of a NATS run
 * without access control (`--allow-default-account-streams` to start anew anyway). `--registry-optional`: a registry that cannot be read yet (the
 * first start, before thread-ownership created its tables) means no bot users, not an error.
 */
const args = process.argv.slice(2);
/** PostgreSQL: undefined_table, invalid_schema_name (thread-ownership has not migrated yet). */
const NOT_CREATED_YET = new Set(['42P01', '3F000']);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};

const prefix = process.env.NATS_PREFIX ?? 'mho';
const services = (process.env.NATS_SERVICE_USERS ?? DEFAULT_SERVICE_USERS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
const out = option('out');
const serverConfig = option('server-config');
if (serverConfig && !out) fail('--server-config needs --out (the accounts file it includes)');
if (serverConfig) refuseDefaultAccountStreams(option('store-dir') ?? '/data');
const appIds = option('apps')?.split(',').map((s) => s.trim()).filter(Boolean) ?? (await registryApps());
const secret = credentialsSecret();
const input = { prefix, appIds, services, secret, account: process.env.NATS_ACCOUNT };
const config = renderNatsConfig(input);

if (out) {
  writeFileSync(out, config, { mode: 0o600 });
  console.error(`wrote ${out}: ${appIds.length} bot app(s), ${services.length} service user(s); reload with: nats-server --signal reload`);
} else {
  process.stdout.write(config);
}
if (serverConfig && out) {
  writeFileSync(serverConfig, renderServerConfig(basename(out)), { mode: 0o600 });
  console.error(`wrote ${serverConfig}: start nats-server with -c ${serverConfig}`);
}
if (args.includes('--passwords')) for (const u of natsUsers(input)) console.error(`${u.user}\t${u.password}`);

function credentialsSecret(): string {
  const given = process.env.NATS_CREDENTIALS_SECRET;
  if (given) return given.length >= 32 ? given : fail('NATS_CREDENTIALS_SECRET must be at least 32 characters (openssl rand -base64 32)');
  if (args.includes('--require-secret')) {
    return fail('NATS_CREDENTIALS_SECRET is not set: choose one of at least 32 characters (openssl rand -base64 32) and put it in .env; every NATS password derives from it');
  }
  const generated = newCredentialsSecret();
  console.error(`NATS_CREDENTIALS_SECRET=${generated}`);
  console.error('(generated now and shown once: put it in the suite environment; every NATS password derives from it)');
  return generated;
}

/**
 * An installation that ran NATS without access control keeps its streams in the default account
 * ($G). Starting it with accounts would show the services empty streams in account MHO while
 * PostgreSQL remembers positions in the old ones (docs/operations.md): refuse, unless told.
 */
function refuseDefaultAccountStreams(storeDir: string): void {
  const streams = join(storeDir, 'jetstream', '$G', 'streams');
  const found = existsSync(streams) ? readdirSync(streams) : [];
  if (found.length === 0 || args.includes('--allow-default-account-streams')) return;
  fail(
    `${streams} holds streams of a NATS that ran without access control (${found.join(', ')}): with access control they would start empty. ` +
      'Keep running that NATS without it (docs/operations.md), or pass --allow-default-account-streams to start anew.',
  );
}

/**
 * The server's own settings, with the accounts included. JetStream is configured here, not by
 * -js/-sd flags: nats-server 2.9 cannot reload a configuration whose JetStream came from flags.
 */
function renderServerConfig(accountsFile: string): string {
  return [
    '# Generated by scripts/nats-config.ts (docs/access-control.md): regenerate it, do not edit it.',
    `listen: ${JSON.stringify(option('listen') ?? '0.0.0.0:4222')}`,
    `http_port: ${Number(option('monitor-port') ?? 8222)}`,
    `jetstream { store_dir: ${JSON.stringify(option('store-dir') ?? '/data')} }`,
    `include ${JSON.stringify(accountsFile)}`,
    '',
  ].join('\n');
}

async function registryApps(): Promise<string[]> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mho';
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ app_id: string }>(`SELECT DISTINCT app_id FROM thread_ownership.page_app WHERE role = 'bot' ORDER BY app_id`);
    return rows.map((r) => r.app_id);
  } catch (error) {
    const where = `the Page registry at ${url.replace(/\/\/[^@]*@/, '//…@')}: ${(error as Error).message}`;
    // Only "not created yet" (a first start): any other failure (a wrong password, the database
    // restarting) must not silently write a configuration without the bots' users.
    if (args.includes('--registry-optional') && NOT_CREATED_YET.has((error as { code?: string }).code ?? '')) {
      console.error(`cannot read ${where}; writing the service users only (run this again once bots are registered)`);
      return [];
    }
    return fail(`cannot read ${where} (set DATABASE_URL, or pass --apps a,b)`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
