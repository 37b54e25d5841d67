/*
 * Helpers for this library's own specs (not exported from the barrel): a tiny Graph client and a
 * webhook receiver that keeps the exact bytes it got.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** JSON as the tests read it; property access is checked by expectations, not the compiler. */
export type Json = Record<string, unknown>;

export interface HttpAnswer {
  status: number;
  body: Json;
}

export interface GraphCallOptions {
  query?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function httpCall(
  baseUrl: string,
  method: string,
  path: string,
  options: GraphCallOptions = {},
): Promise<HttpAnswer> {
  const url = new URL(path, baseUrl);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await fetch(url, { method, headers, body, signal: options.signal });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? (JSON.parse(text) as Json) : {} };
}

/** The `error` object of Meta's envelope. */
export const graphError = (answer: HttpAnswer): Json => answer.body.error as Json;

export interface ReceivedWebhook {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status the receiver answers with from now on. */
  respondWith(status: number, body?: string): void;
  close(): Promise<void>;
}

/** A stand-in ingress that records raw request bytes (signatures are over bytes, not objects). */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let answer = { status: 200, body: 'EVENT_RECEIVED' };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, raw });
      response.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respondWith: (status, body = '') => {
      answer = { status, body };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
