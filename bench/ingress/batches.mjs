// Realistic signed webhook bodies for the benchmark (shapes: messenger-platform.md §1.2/§1.6),
// each with fresh mids so JetStream stores every one (no dedupe short-cut). Plain ESM JS.
import { createHmac } from 'node:crypto';

const PAGE_ID = '104857600123456';
let counter = 0;

const next = () => ++counter;
const psidOf = (n) => String(7_000_000_000_000_000 + (n % 5000));
const user = (n, kind, value) => ({ sender: { id: psidOf(n) }, recipient: { id: PAGE_ID }, timestamp: 1_795_000_000_000 + n, [kind]: value });

/** The mix Meta sends a busy Page: mostly messages, then reads, deliveries, postbacks, echoes. */
const EVENT_MIX = [
  (n) => user(n, 'message', { mid: `m_bench_${n}`, text: `Hallo, ich hätte gern Hilfe mit Bestellung #${n} 🙂` }),
  (n) => user(n, 'message', { mid: `m_bench_${n}`, text: 'Is my order on its way?', quick_reply: { payload: 'ORDER_STATUS' } }),
  (n) => user(n, 'read', { watermark: 1_795_000_000_000 + n }),
  (n) => user(n, 'delivery', { mids: [`m_page_${n}`], watermark: 1_795_000_000_000 + n }),
  (n) => user(n, 'postback', { mid: `m_bench_${n}`, title: 'Track my order', payload: 'TRACK_ORDER' }),
  (n) => ({
    sender: { id: PAGE_ID },
    recipient: { id: psidOf(n) },
    timestamp: 1_795_000_000_000 + n,
    message: { is_echo: true, app_id: 1517776481860111, mid: `m_echo_${n}`, text: 'Your order ships tomorrow.' },
  }),
];

/** Meta's wire form: non-ASCII as \uXXXX and "/" as "\/" (the signature covers these bytes). */
function metaJson(value) {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

/** One POST with `events` events, one entry each (as Meta batches them), signed with `secret`. */
export function signedBatch(events, secret) {
  const entry = [];
  for (let i = 0; i < events; i++) {
    const n = next();
    entry.push({ id: PAGE_ID, time: 1_795_000_000_000 + n, messaging: [EVENT_MIX[n % EVENT_MIX.length](n)] });
  }
  const body = metaJson({ object: 'page', entry });
  return { body, signature: `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` };
}
