// The baseline for bench/ingress/run.mjs: a bare node:http server that does the one thing no
// webhook endpoint can skip (check the HMAC of the raw body) and answers 200. Plain ESM JS.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.META_APP_SECRET;
const port = Number(process.env.PORT);

function validSignature(raw, header) {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
  const given = Buffer.from(typeof header === 'string' ? header : '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const ok = validSignature(Buffer.concat(chunks), req.headers['x-hub-signature-256']);
    res.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(ok ? 'EVENT_RECEIVED' : 'INVALID_SIGNATURE');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log('ready'));
