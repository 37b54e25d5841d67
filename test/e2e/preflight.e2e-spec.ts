import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const preflight = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['scripts/preflight.mjs'], { env: { ...process.env, ...env }, encoding: 'utf8' });

/** Both README commands start with this check: a missing service gets one clear line, naming it. */
describe('preflight', () => {
  it('passes when NATS and PostgreSQL are reachable', () => {
    const result = preflight({});
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('names each unreachable service with its address and how to start it', () => {
    const result = preflight({ PREFLIGHT_NATS: '127.0.0.1:1', PREFLIGHT_POSTGRES: '127.0.0.1:2' });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^NATS \(JetStream\) is not reachable at 127\.0\.0\.1:1\. Start it with: .*nats-server/);
    expect(lines[1]).toMatch(/^PostgreSQL is not reachable at 127\.0\.0\.1:2\. Start it with: .*pg_ctlcluster/);
  });
});
