import { EventEmitter, once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection, SessionHandle, StompEndpoint } from '@app/stomp-session';
import { SockJsTransport, type SockJsTransportOptions } from '@app/stomp-transport';
import { UpgradeRouter } from '@app/stomp-transport';

/** One session opened on the test endpoint: what it received, and whether it was told it closed. */
export class RecordedSession extends EventEmitter {
  readonly received: string[] = [];
  closedCount = 0;
  constructor(readonly connection: Connection) {
    super();
  }

  /** Resolves with the `n`-th message (1-based) once it has arrived. */
  async message(n: number): Promise<string> {
    while (this.received.length < n) await once(this, 'message');
    return this.received[n - 1];
  }

  async whenClosed(): Promise<void> {
    if (this.closedCount === 0) await once(this, 'closed');
  }
}

/**
 * A StompEndpoint with no STOMP in it: it records every message and, in 'echo' mode, sends it back,
 * so that the transport can be tested before and apart from the real session.
 */
export class RecordingEndpoint extends EventEmitter implements StompEndpoint {
  readonly sessions: RecordedSession[] = [];
  echo = true;

  open(connection: Connection): SessionHandle {
    const session = new RecordedSession(connection);
    this.sessions.push(session);
    this.emit('session', session);
    return {
      receive: (data) => {
        const text = typeof data === 'string' ? data : data.toString('utf8');
        session.received.push(text);
        session.emit('message', text);
        if (this.echo) connection.send(Buffer.from(text), false);
      },
      closed: () => {
        session.closedCount += 1;
        session.emit('closed');
      },
    };
  }

  async nextSession(): Promise<RecordedSession> {
    const [session] = (await once(this, 'session')) as [RecordedSession];
    return session;
  }

  /** The `n`-th session (1-based), waiting for it if needed. */
  async session(n: number): Promise<RecordedSession> {
    while (this.sessions.length < n) await once(this, 'session');
    return this.sessions[n - 1];
  }
}

export interface SockJsTestServer {
  readonly url: string;
  readonly port: number;
  readonly transport: SockJsTransport;
  readonly endpoint: RecordingEndpoint;
  readonly server: Server;
  readonly errors: string[];
  stop(): Promise<void>;
}

export type TestOptions = Partial<Omit<SockJsTransportOptions, 'endpoint' | 'limits'>> & {
  limits?: Partial<SockJsTransportOptions['limits']>;
};

/** A bare http.Server on 127.0.0.1:0 with the transport mounted the way the app mounts it. */
export async function startSockJs(options: TestOptions = {}): Promise<SockJsTestServer> {
  const endpoint = new RecordingEndpoint();
  const errors: string[] = [];
  const transport = new SockJsTransport({
    endpoint,
    prefix: '/chat',
    allowedOrigins: new Set<string>(),
    heartbeatDelayMs: 25_000,
    disconnectDelayMs: 300,
    log: { error: (message) => void errors.push(message) },
    ...options,
    limits: { maxFrameBytes: 64 * 1024, sendBufferBytes: 512 * 1024, sendTimeLimitMs: 10_000, ...options.limits },
  });
  const server = createServer((req, res) => {
    if (!transport.handleRequest(req, res)) {
      res.writeHead(404);
      res.end('not sockjs');
    }
  });
  const router = new UpgradeRouter();
  router.fallback((req, socket, head) => transport.handleUpgrade(req, socket, head));
  router.attach(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    transport,
    endpoint,
    server,
    errors,
    async stop() {
      transport.closeAll();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
      // sessions whose client is gone end after the disconnect delay
      await Promise.all(endpoint.sessions.map((s) => s.whenClosed()));
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** Send the body with chunked encoding (no Content-Length). */
  chunked?: boolean;
  /** Source address of the TCP connection (127.x.y.z: another host, as far as the server can tell). */
  from?: string;
}

/** One HTTP request with node:http, nothing added: what a SockJS client or an attacker would send. */
export async function raw(port: number, path: string, init: RawRequest = {}): Promise<RawResponse> {
  const res = await send(port, path, init);
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
}

function send(port: number, path: string, init: RawRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers, agent: false, localAddress: init.from });
    req.on('response', resolve);
    req.on('error', reject);
    if (init.chunked) req.setHeader('Transfer-Encoding', 'chunked');
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

/** A response read as it streams: `until()` waits for the accumulated body to match. */
export class RawStream {
  body = '';
  ended = false;
  private readonly events = new EventEmitter();
  constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.body += chunk;
      this.events.emit('change');
    });
    response.on('end', () => {
      this.ended = true;
      this.events.emit('change');
    });
    response.on('error', () => undefined);
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  async until(test: (body: string) => boolean): Promise<string> {
    while (!test(this.body)) {
      if (this.ended) throw new Error(`stream ended without a match; body: ${JSON.stringify(this.body.slice(-300))}`);
      await once(this.events, 'change');
    }
    return this.body;
  }

  async end(): Promise<string> {
    return this.until(() => this.ended);
  }

  destroy(): void {
    this.response.destroy();
  }
}

export async function stream(port: number, path: string, init: RawRequest = {}): Promise<RawStream> {
  return new RawStream(await send(port, path, init));
}

let counter = 0;
/** A fresh SockJS session path: `/chat/<server>/<session>`. */
export function sessionPath(): string {
  counter += 1;
  return `/chat/${String(counter % 1000).padStart(3, '0')}/t${process.pid}x${Date.now().toString(36)}n${counter}`;
}

/** Resolves once the server has handled (synchronously) a request for `path`. */
export function requestSeen(s: SockJsTestServer, path: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (req: IncomingMessage) => {
      if (req.url !== path) return;
      s.server.off('request', listener);
      resolve();
    };
    s.server.on('request', listener);
  });
}
