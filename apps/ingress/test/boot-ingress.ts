import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Boots the real ingress in-process, built exactly like main.ts, and listens on a free port.
 * Imports the app lazily: call createTestEnvironment() first, the modules read process.env.
 */
export async function bootIngress(): Promise<{ app: NestFastifyApplication; url: string }> {
  const { createHttpApp, validateEnv } = await import('@app/platform');
  const { AppModule } = await import('../src/app.module.js');
  const { ingressEnvSchema } = await import('../src/config/ingress-env.js');
  const { configureIngressHttp } = await import('../src/http/configure-ingress-http.js');
  const bodyLimit = validateEnv(ingressEnvSchema)(process.env).WEBHOOK_BODY_LIMIT_BYTES;
  const app = await createHttpApp(AppModule, { bodyLimit, configure: (created) => configureIngressHttp(created, bodyLimit) });
  await app.listen(0, '127.0.0.1');
  await app.getHttpAdapter().getInstance().ready();
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}` };
}

/** One sample of a Prometheus counter from /metrics text (0 when the series does not exist yet). */
export function metricValue(metricsText: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((pair) => line.includes(pair))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
