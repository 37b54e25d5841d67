// What the ingress benchmark and its profiler share: a free port, the ingress's environment, and
// waiting for a server to answer. Plain ESM JS, like the rest of bench/ingress.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

export const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/** The ingress as in production (NODE_ENV, log level), on `port`, publishing under `prefix`. */
export const ingressEnv = ({ port, natsUrl, prefix, appSecret }) => ({
  NODE_ENV: 'production',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  HOST: '127.0.0.1',
  INGRESS_PORT: String(port),
  NATS_URL: natsUrl,
  NATS_PREFIX: prefix,
  META_APP_SECRET: appSecret,
  META_VERIFY_TOKEN: 'bench-verify-token',
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
});

/** Resolves once `url` answers below 500; throws after 30 s naming `what`. */
export async function waitUntilUp(url, what) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then((r) => r.status < 500, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up at ${url}`);
}
