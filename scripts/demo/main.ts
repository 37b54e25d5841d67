import { playConversation } from './conversation.js';
import { startProcess, stopAll, waitHealthy, type Managed } from './processes.js';
import { freshWorld } from './world.js';

/**
 * `npm start`: the whole suite on this machine — emulator, four services, two bots — then a
 * scripted conversation. Keeps running until Ctrl-C (or exits after the script with `--once`).
 */
const once = process.argv.includes('--once');
const PAGE_ID = '1234567890';
const colours: Record<string, string> = { 'sales-bot': '\x1b[36m', 'support-bot': '\x1b[35m' };
const say = (line: string) => console.log(line);
const show = (line: string) => {
  const name = /^\[([^\]]+)\]/.exec(line)?.[1] ?? '';
  console.log(`${colours[name] ?? ''}      ${line}\x1b[0m`);
};

const world = await freshWorld();
const env = world.env;
const processes: Managed[] = [];
const shutdown = async (code: number) => {
  await stopAll(processes);
  process.exit(code);
};
process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));

try {
  const start = async (name: string, script: string, health?: string) => {
    const managed = startProcess(name, script, env, show);
    processes.push(managed);
    if (health) await waitHealthy(managed, health);
    return managed;
  };
  say('Starting the Messenger emulator and the four services (the operator console among them)…');
  await start('messenger-emulator', 'dist/apps/messenger-emulator/src/main.js', 'http://127.0.0.1:3900/_emulator/health');
  await start('thread-ownership', 'dist/apps/thread-ownership/src/main.js', 'http://127.0.0.1:3001/health');
  await start('notifications', 'dist/apps/notifications/src/main.js', 'http://127.0.0.1:3002/health');
  await start('ingress', 'dist/apps/ingress/src/main.js', 'http://127.0.0.1:3000/health');
  await start('console', 'dist/apps/console/src/main.js', 'http://127.0.0.1:3003/health');
  await registerPage(env.ADMIN_API_TOKEN!);
  say('Page registered: default app sales-bot; apps sales-bot, support-bot and the Page Inbox.');
  say('Starting the two example bots…');
  await start('sales-bot', 'dist/examples/sales-bot/main.js');
  const sales = processes.at(-1)!;
  await start('support-bot', 'dist/examples/support-bot/main.js');
  await new Promise((resolve) => setTimeout(resolve, 1500));

  await playConversation({
    pageId: PAGE_ID,
    ingressUrl: 'http://127.0.0.1:3000',
    emulatorUrl: 'http://127.0.0.1:3900',
    adminUrl: 'http://127.0.0.1:3001',
    notificationsUrl: 'http://127.0.0.1:3002',
    adminToken: env.ADMIN_API_TOKEN!,
    appSecret: env.META_APP_SECRET!,
    triggerRestock: () => sales.child.kill('SIGUSR2'),
    say,
  });
  printDirectory();
  if (once) {
    // The addresses above are for a running suite: say plainly that they go away now.
    say('\n--once: the script is done; stopping the services, the emulator and the bots now.');
    await shutdown(0);
  }
  say('\nThe suite keeps running; press Ctrl-C to stop it.');
} catch (error) {
  console.error(`\nThe demo failed: ${(error as Error).message}`);
  await shutdown(1);
}

async function registerPage(adminToken: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:3001/pages/${PAGE_ID}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Demo Shoe Shop',
      accessToken: 'demo-page-access-token',
      defaultOwnerAppId: 'sales-bot',
      apps: [{ appId: 'sales-bot' }, { appId: 'support-bot', canTake: true }],
    }),
  });
  if (!response.ok) throw new Error(`registering the demo page failed: HTTP ${response.status} ${await response.text()}`);
}

function printDirectory(): void {
  say(`
Where everything is
  Webhook (ingress)         http://127.0.0.1:3000/webhook     verify token: ${env.META_VERIFY_TOKEN}
  Thread ownership admin    http://127.0.0.1:3001/pages/${PAGE_ID}   (Authorization: Bearer ${env.ADMIN_API_TOKEN})
  Notifications             http://127.0.0.1:3002/pages/${PAGE_ID}/tokens   (Authorization: Bearer ${env.ADMIN_API_TOKEN})
  Operator console          http://127.0.0.1:3003/              password: ${env.CONSOLE_PASSWORD}
  Messenger emulator        http://127.0.0.1:3900/_emulator/calls
  A user writes to the Page curl -X POST http://127.0.0.1:3900/_emulator/users/7003/messages -H 'content-type: application/json' -d '{"pageId":"${PAGE_ID}","text":"Hi there"}'
  Admin API docs (OpenAPI)  http://127.0.0.1:3001/docs  and  http://127.0.0.1:3002/docs
  Health / metrics          http://127.0.0.1:300{0,1,2,3}/health  and  /metrics
  NATS subjects             demo.>  (streams DEMO_EVENTS, DEMO_BOTS, DEMO_DEAD)
  Database                  postgres://postgres@127.0.0.1:5432/mho_demo
  Service logs              .run/logs/*.log`);
}
