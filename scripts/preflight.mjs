// Checks what the project's commands need before they start; one clear line per missing piece.
// Plain JavaScript with no dependencies: it runs before `npm ci`.
import { Socket } from 'node:net';

const services = [
  ['NATS (JetStream)', process.env.PREFLIGHT_NATS ?? '127.0.0.1:4222',
    'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log'],
  ['PostgreSQL', process.env.PREFLIGHT_POSTGRES ?? '127.0.0.1:5432',
    'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'],
];

const reachable = (address) =>
  new Promise((resolve) => {
    const [host, port] = address.split(':');
    const socket = new Socket();
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port), host, () => done(true));
  });

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node ${process.versions.node} is too old: Node 20.19 or newer is required.`);
  process.exit(1);
}
let missing = 0;
for (const [name, address, hint] of services) {
  if (!(await reachable(address))) {
    console.error(`${name} is not reachable at ${address}. Start it with: ${hint}`);
    missing += 1;
  }
}
process.exit(missing === 0 ? 0 : 1);
