import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { DEFAULT_SERVICE_USERS, renderNatsConfig, natsUsers } from '../apps/thread-ownership/src/access/nats-config.js';
import { newCredentialsSecret } from '../apps/thread-ownership/src/access/nats-credentials.js';

/**
 * Writes the nats-server accounts/users configuration for the Page registry (docs/access-control.md).
 *
 *   npm run build && node dist/scripts/nats-config.js [--apps a,b] [--out mho-accounts.conf] [--passwords]
 *
 * Bot apps come from `--apps` or from the registry (DATABASE_URL); NATS_PREFIX, NATS_ACCOUNT,
 * NATS_SERVICE_USERS and NATS_CREDENTIALS_SECRET as for thread-ownership. Without a secret, one
 * is generated and printed once on stderr: keep it in the suite's environment, every password
 * is derived from it. `--passwords` prints each user's password on stderr (to hand over to the
 * bot's operator); otherwise they are only in the file.
 */
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

const prefix = process.env.NATS_PREFIX ?? 'mho';
const services = (process.env.NATS_SERVICE_USERS ?? DEFAULT_SERVICE_USERS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
const appIds = option('apps')?.split(',').map((s) => s.trim()).filter(Boolean) ?? (await registryApps());
let secret = process.env.NATS_CREDENTIALS_SECRET;
if (!secret) {
  secret = newCredentialsSecret();
  console.error(`NATS_CREDENTIALS_SECRET=${secret}`);
  console.error('(generated now and shown once: put it in the suite environment; every NATS password derives from it)');
}
const input = { prefix, appIds, services, secret, account: process.env.NATS_ACCOUNT };
const config = renderNatsConfig(input);

const out = option('out');
if (out) {
  writeFileSync(out, config, { mode: 0o600 });
  console.error(`wrote ${out}: ${appIds.length} bot app(s), ${services.length} service user(s); reload with: nats-server --signal reload`);
} else {
  process.stdout.write(config);
}
if (args.includes('--passwords')) for (const u of natsUsers(input)) console.error(`${u.user}\t${u.password}`);

async function registryApps(): Promise<string[]> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mho';
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ app_id: string }>(`SELECT DISTINCT app_id FROM thread_ownership.page_app WHERE role = 'bot' ORDER BY app_id`);
    return rows.map((r) => r.app_id);
  } catch (error) {
    console.error(`cannot read the Page registry at ${url.replace(/\/\/[^@]*@/, '//…@')}: ${(error as Error).message} (set DATABASE_URL, or pass --apps a,b)`);
    process.exit(1);
  } finally {
    await client.end().catch(() => undefined);
  }
}
