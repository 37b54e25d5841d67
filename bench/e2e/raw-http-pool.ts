import { connect, type Socket } from 'node:net';

/**
 * A minimal HTTP/1.1 keep-alive client for the load generator: requests written as one buffer on
 * persistent connections, one request in flight per connection (no pipelining, as Meta sends),
 * responses read by status line + Content-Length (or chunked). node:http's client cost the
 * generator ~200 µs of CPU per POST on our 2-core machines, CPU the suite under test then lacked;
 * this costs a fraction of it. Bench code only: it trusts the server it talks to.
 */
export class RawHttpPool {
  private readonly idle: Connection[] = [];
  private readonly waiting: Array<(connection: Connection) => void> = [];
  private readonly all = new Set<Connection>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxConnections = 64,
  ) {}

  /** Resolves with the response status. */
  async post(path: string, headers: Record<string, string>, body: string): Promise<number> {
    const payload = Buffer.from(body);
    const head = `POST ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\nconnection: keep-alive\r\ncontent-length: ${payload.length}\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;
    const connection = await this.acquire();
    try {
      return await connection.send(Buffer.concat([Buffer.from(head, 'latin1'), payload]));
    } finally {
      this.release(connection);
    }
  }

  close(): void {
    for (const connection of this.all) connection.destroy();
    this.all.clear();
    this.idle.length = 0;
  }

  private acquire(): Promise<Connection> {
    // A connection the server closed while idle (keep-alive timeout) is dropped, not reused.
    let ready = this.idle.pop();
    while (ready?.closed) ready = this.idle.pop();
    if (ready) return Promise.resolve(ready);
    if (this.all.size < this.maxConnections) {
      const fresh = new Connection(this.host, this.port, () => this.all.delete(fresh));
      this.all.add(fresh);
      return Promise.resolve(fresh);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(connection: Connection): void {
    if (connection.closed) return void this.replaceForWaiter();
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }

  private replaceForWaiter(): void {
    const next = this.waiting.shift();
    if (!next) return;
    const fresh = new Connection(this.host, this.port, () => this.all.delete(fresh));
    this.all.add(fresh);
    next(fresh);
  }
}

class Connection {
  closed = false;
  private readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private current?: { resolve: (status: number) => void; reject: (error: Error) => void };

  constructor(host: string, port: number, onClose: () => void) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk) => this.onData(chunk));
    const fail = (error: Error) => {
      this.closed = true;
      onClose();
      this.current?.reject(error);
      this.current = undefined;
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed')));
  }

  /** Rejects if the connection closes first or no response comes within `timeoutMs`. */
  send(request: Buffer, timeoutMs = 30_000): Promise<number> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.current = undefined;
        this.socket.destroy();
        reject(new Error('timeout'));
      }, timeoutMs);
      this.current = {
        resolve: (status) => {
          clearTimeout(timer);
          resolve(status);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.socket.write(request, (error) => error && this.current?.reject(error));
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const response = parseResponse(this.buffer);
    if (!response) return;
    this.buffer = this.buffer.subarray(response.length);
    const current = this.current;
    this.current = undefined;
    if (response.close) this.socket.end();
    current?.resolve(response.status);
  }
}

/** One complete response at the start of `data`, or undefined if more bytes are needed. */
export function parseResponse(data: Buffer): { status: number; length: number; close: boolean } | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = data.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const lower = head.toLowerCase();
  const close = /\r\nconnection:\s*close/.test(lower);
  const lengthMatch = /\r\ncontent-length:\s*(\d+)/.exec(lower);
  if (lengthMatch) {
    const length = headEnd + 4 + Number(lengthMatch[1]);
    return data.length >= length ? { status, length, close } : undefined;
  }
  if (/\r\ntransfer-encoding:\s*chunked/.test(lower)) {
    const end = data.indexOf('\r\n0\r\n\r\n', headEnd + 2);
    return end < 0 ? undefined : { status, length: end + 7, close };
  }
  return { status, length: headEnd + 4, close };
}
