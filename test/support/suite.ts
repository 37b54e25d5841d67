import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createGraphEmulator, UserSimulator, type GraphEmulator } from '@app/messenger-emulator';
import type { Clock } from '@app/platform';
import { createTestEnvironment, type TestEnvironment } from './test-environment.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const APP_SECRET = 'test-app-secret';
export const PAGE_ID = '1000001';
export const PAGE_TOKEN = 'page-token-1000001';
export const CONSOLE_PASSWORD = 'test-console-password';

export interface RunningSuite {
  env: TestEnvironment;
  graph: GraphEmulator;
  user: UserSimulator;
  ingressUrl: string;
  adminUrl: string;
  notificationsUrl: string;
  /** The operator console, when started with `{ console: true }`. */
  consoleUrl?: string;
  apps: INestApplication[];
  /** Boots one more replica of the thread-ownership service (same database and prefix). */
  addOwnershipReplica(): Promise<INestApplication>;
  registerPage(body: Record<string, unknown>): Promise<void>;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/**
 * The whole suite in one process, as in production but sharing one private database and subject
 * prefix: ingress, thread-ownership and notifications against the real NATS and PostgreSQL, with
 * the Graph API emulated. App modules are imported after the environment is set (config is read
 * at import).
 */
export interface SuiteOptions {
  /** Controls thread-ownership's time (idle expiry, messaging window checks). */
  ownershipClock?: Clock;
  /** Also boots the operator console (apps/console), password CONSOLE_PASSWORD; see `consoleUrl`. */
  console?: boolean;
}

export async function startSuite(extraEnv: Record<string, string> = {}, options: SuiteOptions = {}): Promise<RunningSuite> {
  const graph = await createGraphEmulator({ appSecret: APP_SECRET });
  const env = await createTestEnvironment({
    GRAPH_API_URL: graph.url,
    META_APP_SECRET: APP_SECRET,
    ADMIN_API_TOKEN: ADMIN_TOKEN,
    OTN_ENABLED_BY_DEFAULT: 'true',
    // The Facebook Login dialog stand-in; onboarding stays off unless a test sets META_APP_ID.
    FACEBOOK_DIALOG_URL: graph.url,
    ...extraEnv,
  });
  const apps: INestApplication[] = [];
  const start = async (create: () => Promise<INestApplication>) => {
    const app = await create();
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    return app;
  };
  const { createThreadOwnershipApp } = await import('../../apps/thread-ownership/src/create-app.js');
  const { createNotificationsApp } = await import('../../apps/notifications/src/create-app.js');
  const { createIngressApp } = await import('../../apps/ingress/src/create-app.js');
  const createOwnership = () => createThreadOwnershipApp({ clock: options.ownershipClock });
  const ownership = await start(createOwnership);
  const notifications = await start(createNotificationsApp);
  const ingress = await start(createIngressApp);
  const ingressUrl = await ingress.getUrl();
  const adminUrl = await ownership.getUrl();
  const notificationsUrl = await notifications.getUrl();
  let consoleUrl: string | undefined;
  if (options.console) {
    Object.assign(process.env, {
      THREAD_OWNERSHIP_URL: adminUrl,
      NOTIFICATIONS_URL: notificationsUrl,
      CONSOLE_PASSWORD,
      CONSOLE_SESSION_SECRET: 'test-console-session-secret-0123456789abcdef',
    });
    const { createConsoleApp } = await import('../../apps/console/src/create-app.js');
    consoleUrl = await (await start(createConsoleApp)).getUrl();
  }
  const user = new UserSimulator({ ingressUrl, appSecret: APP_SECRET, pageId: PAGE_ID }).linkGraph(graph);

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${adminUrl}${path}`, {
      method,
      // A content type only with a body, as curl sends it (Fastify refuses an empty JSON body).
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-correlation-id': randomUUID(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  };

  return {
    env,
    graph,
    user,
    ingressUrl,
    adminUrl,
    notificationsUrl,
    consoleUrl,
    apps,
    addOwnershipReplica: () => start(createOwnership),
    admin,
    async registerPage(body) {
      const result = await admin('PUT', `/pages/${PAGE_ID}`, { accessToken: PAGE_TOKEN, ...body });
      if (result.status !== 200) throw new Error(`page registration failed: ${result.status} ${JSON.stringify(result.body)}`);
    },
    async stop() {
      for (const app of apps.reverse()) await app.close().catch(() => undefined);
      await graph.close();
      await env.cleanup();
    },
  };
}
