import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, ManagedChild, sleep, until } from './processes.js';

export const SERVICE_NAMES = ['messenger-emulator', 'thread-ownership', 'notifications', 'ingress'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The repository root: the first folder above this file with a package.json (works from src and from dist/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the harness');
    dir = parent;
  }
  return dir;
}

export interface SuiteProcessOptions {
  /** Where logs go (one file per service, appended across restarts). */
  dir: string;
  natsUrl: string;
  databaseUrl: string;
  /** Subject prefix; unique per run by default. */
  prefix?: string;
  logLevel?: string;
  /** Extra variables for every service (e.g. OUTBOX_RELAY_INTERVAL_MS). */
  env?: Record<string, string>;
  /** Extra `node` flags for every service (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

export class SuiteService {
  constructor(
    readonly name: ServiceName,
    readonly port: number,
    readonly healthUrl: string,
    readonly child: ManagedChild,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** 200 from the health endpoint (every dependency the service checks is up). */
  async healthy(): Promise<boolean> {
    return fetch(this.healthUrl, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.status === 200,
      () => false,
    );
  }

  async waitHealthy(timeoutMs = 60_000): Promise<number> {
    return until(
      async () => {
        if (!this.child.isRunning()) throw new Error(`${this.name} exited during start:\n${this.child.tail()}`);
        return this.healthy();
      },
      `${this.name} to answer 200 on ${this.healthUrl}`,
      timeoutMs,
      100,
    );
  }

  /** `kill -9`, then the same command again (same port, same environment). */
  async crashAndRestart(downMs = 0): Promise<void> {
    await this.child.kill('SIGKILL');
    if (downMs > 0) await sleep(downMs);
    this.child.restarts++;
    this.child.start();
  }
}

/**
 * The suite as separate processes from the SWC build in `dist/` (as `npm start` runs it), on spare
 * ports, against the NATS and PostgreSQL given: Graph emulator, thread-ownership, notifications,
 * ingress. Build first (`npm run build`).
 */
export class SuiteProcesses {
  readonly adminToken = `faults-admin-${randomBytes(8).toString('hex')}`;
  readonly appSecret = `faults-secret-${randomBytes(8).toString('hex')}`;
  readonly verifyToken = 'faults-verify-token';
  readonly prefix: string;
  private readonly services = new Map<ServiceName, SuiteService>();

  private constructor(readonly options: SuiteProcessOptions) {
    this.prefix = options.prefix ?? `f${randomBytes(4).toString('hex')}`;
  }

  static async start(options: SuiteProcessOptions): Promise<SuiteProcesses> {
    const suite = new SuiteProcesses(options);
    try {
      await suite.boot();
    } catch (error) {
      for (const service of suite.services.values()) await service.child.dispose();
      throw error;
    }
    return suite;
  }

  service(name: ServiceName): SuiteService {
    const service = this.services.get(name);
    if (!service) throw new Error(`unknown service ${name}`);
    return service;
  }

  all(): SuiteService[] {
    return SERVICE_NAMES.map((name) => this.service(name));
  }

  get ingressUrl(): string {
    return this.service('ingress').url;
  }

  get emulatorUrl(): string {
    return this.service('messenger-emulator').url;
  }

  get adminUrl(): string {
    return this.service('thread-ownership').url;
  }

  /** Registers a Page with its bots (`PUT /pages/:pageId` on the admin API). */
  async registerPage(pageId: string, body: { accessToken: string; defaultOwnerAppId: string; apps: Array<{ appId: string; canTake?: boolean }> }): Promise<void> {
    const response = await fetch(`${this.adminUrl}/pages/${pageId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Fault page ${pageId}`, ...body }),
    });
    if (!response.ok) throw new Error(`registering page ${pageId} failed: HTTP ${response.status} ${await response.text()}`);
  }

  /** Health of every service, e.g. `{ ingress: true, … }`. */
  async health(): Promise<Record<ServiceName, boolean>> {
    const entries = await Promise.all(this.all().map(async (s) => [s.name, await s.healthy()] as const));
    return Object.fromEntries(entries) as Record<ServiceName, boolean>;
  }

  async waitAllHealthy(timeoutMs = 60_000): Promise<number> {
    const started = Date.now();
    for (const service of this.all()) await service.waitHealthy(Math.max(1000, timeoutMs - (Date.now() - started)));
    return Date.now() - started;
  }

  /** Log tails of every service, for failure messages. */
  tails(lines = 15): string {
    return this.all()
      .map((s) => `--- ${s.name} (${s.child.spec.logFile})\n${s.child.tail(lines)}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    // Reverse start order: the ingress stops taking webhooks first.
    for (const service of [...this.all()].reverse()) await service.child.dispose();
  }

  private async boot(): Promise<void> {
    const root = repoRoot();
    const ports = { emulator: await freePort(), ownership: await freePort(), notifications: await freePort(), ingress: await freePort() };
    const common: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: this.options.logLevel ?? 'warn',
      HOST: '127.0.0.1',
      NATS_URL: this.options.natsUrl,
      NATS_PREFIX: this.prefix,
      DATABASE_URL: this.options.databaseUrl,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      META_APP_SECRET: this.appSecret,
      META_VERIFY_TOKEN: this.verifyToken,
      ADMIN_API_TOKEN: this.adminToken,
      GRAPH_API_URL: `http://127.0.0.1:${ports.emulator}`,
      OTN_ENABLED_BY_DEFAULT: 'true',
      EMULATOR_HOST: '127.0.0.1',
      EMULATOR_PORT: String(ports.emulator),
      THREAD_OWNERSHIP_PORT: String(ports.ownership),
      NOTIFICATIONS_PORT: String(ports.notifications),
      INGRESS_PORT: String(ports.ingress),
      ...this.options.env,
    };
    const define = (name: ServiceName, port: number, healthPath: string) => {
      const script = join(root, 'dist/apps', name, 'src/main.js');
      if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
      const child = new ManagedChild({
        name,
        command: process.execPath,
        args: [...(this.options.nodeArgs ?? []), script],
        cwd: root,
        env: common,
        logFile: resolve(this.options.dir, `${name}.log`),
      });
      this.services.set(name, new SuiteService(name, port, `http://127.0.0.1:${port}${healthPath}`, child));
    };
    define('messenger-emulator', ports.emulator, '/_emulator/health');
    define('thread-ownership', ports.ownership, '/health');
    define('notifications', ports.notifications, '/health');
    define('ingress', ports.ingress, '/health');
    // All at once: each service migrates its own schema under its own advisory lock, and none
    // needs another to boot (the Graph API is only called when a bot acts).
    for (const service of this.all()) service.child.start();
    await Promise.all(this.all().map((service) => service.waitHealthy()));
  }
}
