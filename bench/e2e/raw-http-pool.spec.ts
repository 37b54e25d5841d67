import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseResponse, RawHttpPool } from './raw-http-pool.js';

describe('parseResponse', () => {
  it('waits for the whole body, then reports its length', () => {
    const full = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\nEVENT_RECEIVEDHTTP/1.1');
    expect(parseResponse(full.subarray(0, 30))).toBeUndefined();
    expect(parseResponse(full)).toEqual({ status: 200, length: full.length - 8, close: false });
  });

  it('reads chunked bodies and connection: close', () => {
    const chunked = Buffer.from('HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nbusy\r\n0\r\n\r\n');
    expect(parseResponse(chunked)).toEqual({ status: 503, length: chunked.length, close: true });
  });
});

describe('RawHttpPool', () => {
  it('posts over kept-alive connections and returns each status', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push(`${req.headers['x-test']}:${body}`);
        res.writeHead(body === 'bad' ? 401 : 200, { 'content-type': 'text/plain' });
        res.end('ok');
      });
    });
    let connections = 0;
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const pool = new RawHttpPool('127.0.0.1', (server.address() as AddressInfo).port, 2);
    try {
      const statuses = await Promise.all(['a', 'b', 'bad', 'c'].map((body) => pool.post('/webhook', { 'x-test': 't' }, body)));
      expect(statuses).toEqual([200, 200, 401, 200]);
      expect(seen.sort()).toEqual(['t:a', 't:b', 't:bad', 't:c']);
      // Four posts, then four more, over the pool's two connections: none opened per request.
      await Promise.all(['d', 'e', 'f', 'g'].map((body) => pool.post('/webhook', { 'x-test': 't' }, body)));
      expect(connections).toBe(2);
    } finally {
      pool.close();
      server.close();
    }
  });

  it('does not reuse a connection the server closed while it was idle', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    server.keepAliveTimeout = 50; // closes idle connections quickly
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const pool = new RawHttpPool('127.0.0.1', (server.address() as AddressInfo).port, 4);
    try {
      expect(await pool.post('/', {}, 'a')).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the server has closed it by now
      expect(await pool.post('/', {}, 'b')).toBe(200);
    } finally {
      pool.close();
      server.close();
    }
  });
});
