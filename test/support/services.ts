import { Socket } from 'node:net';

export interface LocalService {
  name: string;
  host: string;
  port: number;
  hint: string;
}

/** The two services every machine runs; the hint is the command that starts one that is down. */
export const LOCAL_SERVICES: LocalService[] = [
  {
    name: 'NATS (JetStream)',
    host: '127.0.0.1',
    port: 4222,
    hint: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log',
  },
  {
    name: 'PostgreSQL',
    host: '127.0.0.1',
    port: 5432,
    hint: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  },
];

export function isReachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/** One clear line per missing service; empty when all are up. */
export async function missingServices(): Promise<string[]> {
  const checks = await Promise.all(LOCAL_SERVICES.map(async (s) => ({ s, ok: await isReachable(s.host, s.port) })));
  return checks.filter((c) => !c.ok).map(({ s }) => `${s.name} is not reachable at ${s.host}:${s.port} — start it with: ${s.hint}`);
}
