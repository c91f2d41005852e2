// Small clients for the hardening suites: HTTP and WebSocket handshakes from a chosen loopback address
// (Linux routes all of 127.0.0.0/8 to lo, so 127.0.0.2 and 127.0.0.3 are "other hosts" to the server).
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** Source address of the TCP connection (127.x.y.z). */
  from?: string;
  /** Resolves as soon as the headers arrive (for streams that never end on their own). */
  headersOnly?: boolean;
  /** A (keep-alive) agent to send through instead of a fresh connection. */
  agent?: Agent;
}

export function http(url: string, options: HttpOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const req = httpRequest(url, { method: options.method ?? 'GET', headers, agent: options.agent ?? false, localAddress: options.from }, (res) => {
      if (options.headersOnly) {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '' });
        return void res.destroy();
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export function postMessage(base: string, room: string, body: unknown, from?: string): Promise<Answer> {
  return http(`${base}/api/rooms/${room}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    from,
  });
}

export interface Handshake {
  /** 101 when the socket opened, else the HTTP status of the refusal. */
  status: number;
  body: string;
  ws?: WebSocket;
}

/** Opens a WebSocket and reports how the handshake went instead of throwing on a refusal. */
export function handshake(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string>; from?: string } = {},
): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers, localAddress: options.from });
    ws.once('open', () => resolve({ status: 101, body: '', ws }));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: '' }));
    });
    ws.once('error', (error) => {
      if (ws.readyState === ws.CONNECTING) reject(error);
    });
  });
}

/** Waits for a WebSocket to close and returns its close code. */
export function closeCode(ws: WebSocket, timeoutMs = 5_000): Promise<number> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve(-1);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
    ws.on('error', () => undefined);
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Polls `probe` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The value of one sample line of the Prometheus text, 0 when absent. */
export async function metric(base: string, line: string): Promise<number> {
  const text = (await http(`${base}/metrics`)).text;
  const escaped = line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}
