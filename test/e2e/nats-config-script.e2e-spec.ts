import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { ensureStreams, messagingOptionsFromEnv, NatsConnectionService, streamSettingsFromEnv } from '@app/messaging';
import { freePort } from '../faults/harness/processes.js';
import { PrivateNats } from '../support/private-nats.js';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment.js';

const SCRIPT = join(process.cwd(), 'dist/scripts/nats-config.js');
const SECRET = 'compose-nats-credentials-secret-0123456789';

/** Runs the built script as docker compose's `nats-config` service does. */
function runScript(args: string[], env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, [SCRIPT, ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stderr: result.stderr };
}

/**
 * NATS access control the way docker-compose.yml sets it up: a one-shot run of
 * scripts/nats-config.ts writes the server's main configuration and the accounts (service users
 * only on a first start, when the registry has no tables yet), nats-server runs from it, and each
 * service is given only its user name: it derives its password from NATS_CREDENTIALS_SECRET.
 */
describe('nats-config script: the compose setup', () => {
  let env: TestEnvironment;
  let dir: string;
  let nats: PrivateNats | undefined;
  let port: number;
  let monitorPort: number;

  beforeAll(async () => {
    if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: run \`npm run build\` first (npm test does)`);
    env = await createTestEnvironment();
    dir = mkdtempSync(join(tmpdir(), 'mho-nats-compose-'));
    [port, monitorPort] = [await freePort(), await freePort()];
  });

  afterAll(async () => {
    await nats?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await env?.cleanup();
  });

  const composeArgs = () => [
    '--require-secret',
    '--registry-optional',
    '--out', join(dir, 'mho-accounts.conf'),
    '--server-config', join(dir, 'nats.conf'),
    '--store-dir', join(dir, 'store'),
    '--listen', `127.0.0.1:${port}`,
    '--monitor-port', String(monitorPort),
  ];

  it('is what docker-compose.yml runs, and compose gives every service its user', () => {
    const compose = readFileSync(join(process.cwd(), 'docker-compose.yml'), 'utf8');
    const line = compose.split('\n').find((l) => l.includes('dist/scripts/nats-config.js')) ?? '';
    const command: string[] = JSON.parse(line.slice(line.indexOf('[')));
    const flags = composeArgs().filter((a) => a.startsWith('--') && a !== '--listen' && a !== '--store-dir' && a !== '--out');
    for (const flag of [...flags, '--out', '--store-dir']) expect(command).toContain(flag);
    expect(command[command.indexOf('--server-config') + 1]?.replace(/[^/]+$/, '')).toBe(command[command.indexOf('--out') + 1]?.replace(/[^/]+$/, ''));
    for (const service of ['ingress', 'thread-ownership', 'notifications', 'console']) expect(compose).toContain(`NATS_USER: svc-${service} `);
    expect(compose).toMatch(/command: \["-c", "\/etc\/nats\/nats.conf"\]/);
  });

  it('refuses to run without the secret, naming the variable, and writes nothing', () => {
    const run = runScript(composeArgs(), { DATABASE_URL: env.databaseUrl, NATS_PREFIX: env.prefix });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/NATS_CREDENTIALS_SECRET is not set/);
    expect(existsSync(join(dir, 'nats.conf'))).toBe(false);
    const short = runScript(composeArgs(), { DATABASE_URL: env.databaseUrl, NATS_CREDENTIALS_SECRET: 'too-short' });
    expect(short.stderr).toMatch(/NATS_CREDENTIALS_SECRET must be at least 32 characters/);
    // Not a first start but a database that cannot be read: no configuration without the bots' users
    const unreachable = runScript(composeArgs(), { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/mho', NATS_CREDENTIALS_SECRET: SECRET });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot read the Page registry/);
    expect(existsSync(join(dir, 'nats.conf'))).toBe(false);
  });

  it('refuses a store that holds streams of a NATS run without access control', () => {
    const oldStore = mkdtempSync(join(tmpdir(), 'mho-nats-old-'));
    try {
      mkdirSync(join(oldStore, 'jetstream', '$G', 'streams', 'MHO_EVENTS'), { recursive: true });
      const args = composeArgs().map((a, i, all) => (all[i - 1] === '--store-dir' ? oldStore : a));
      const run = runScript(args, { DATABASE_URL: env.databaseUrl, NATS_CREDENTIALS_SECRET: SECRET });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/ran without access control \(MHO_EVENTS\)/);
      expect(existsSync(join(dir, 'nats.conf'))).toBe(false);
      expect(runScript([...args, '--allow-default-account-streams'], { DATABASE_URL: env.databaseUrl, NATS_CREDENTIALS_SECRET: SECRET }).status).toBe(0);
    } finally {
      rmSync(oldStore, { recursive: true, force: true });
      rmSync(join(dir, 'nats.conf'), { force: true });
      rmSync(join(dir, 'mho-accounts.conf'), { force: true });
    }
  });

  it('on a first start (no registry tables yet) writes the service users only, and a server that runs from it', async () => {
    const run = runScript(composeArgs(), { DATABASE_URL: env.databaseUrl, NATS_PREFIX: env.prefix, NATS_CREDENTIALS_SECRET: SECRET });
    expect(run.stderr).toMatch(/cannot read the Page registry/);
    expect(run.stderr).not.toContain(SECRET);
    expect(run.status).toBe(0);
    const accounts = readFileSync(join(dir, 'mho-accounts.conf'), 'utf8');
    expect(accounts).toContain('"svc-ingress"');
    expect(accounts).not.toContain('"bot-');
    expect(statSync(join(dir, 'mho-accounts.conf')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'nats.conf'), 'utf8')).toContain('include "mho-accounts.conf"');
    nats = await PrivateNats.fromConfigFile(dir, join(dir, 'nats.conf'), port);
    // compose's healthcheck of the nats service
    const health = await fetch(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`);
    expect(health.status).toBe(200);
  });

  it('lets a service in with its user name alone (password derived from the secret), and nobody without one', async () => {
    const options = messagingOptionsFromEnv('ingress', { NATS_URL: nats!.url, NATS_PREFIX: env.prefix, NATS_USER: 'svc-ingress', NATS_PASSWORD: '', NATS_CREDENTIALS_SECRET: SECRET });
    expect(options.password).toBeTruthy();
    const service = await NatsConnectionService.connect(options);
    try {
      await ensureStreams(service.jsm, env.prefix, streamSettingsFromEnv({}));
      const ack = await service.js.publish(`${env.prefix}.events.0`, '{}');
      expect(ack.seq).toBe(1);
    } finally {
      await service.onApplicationShutdown();
    }
    const refused = await connect({ servers: nats!.url, reconnect: false }).then(
      (nc) => nc.close().then(() => 'connected'),
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/Authorization Violation/);
    // A bot's password is never derived from the secret: its operator is given it.
    expect(messagingOptionsFromEnv('x', { NATS_USER: 'bot-alpha', NATS_CREDENTIALS_SECRET: SECRET }).password).toBeUndefined();
  });
});
