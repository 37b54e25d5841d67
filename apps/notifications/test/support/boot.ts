import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Clock } from '@app/platform';

export interface RunningNotifications {
  app: NestFastifyApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * Boots the notifications service in-process as main.ts does (HTTP + NATS RPC) on a free port.
 * Import after createTestEnvironment(): the module validates the environment it sees.
 */
export async function bootNotifications(clock?: Clock): Promise<RunningNotifications> {
  const [{ createNotificationsApp }, { listen }] = await Promise.all([import('../../src/create-app.js'), import('@app/platform')]);
  const app = await createNotificationsApp({ clock });
  await listen(app, '127.0.0.1', 0, 'notifications');
  const address = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
