import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Boots the real ingress in-process, built by the same function as main.ts, on a free port.
 * Imports the app lazily: call createTestEnvironment() first, the modules read process.env.
 */
export async function bootIngress(): Promise<{ app: NestFastifyApplication; url: string }> {
  const { createIngressApp } = await import('../src/create-app.js');
  const app = await createIngressApp();
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
