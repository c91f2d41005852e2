/**
 * The chat's doors without STOMP, as idle load (CONTRACT "The same rooms without STOMP"): an SSE stream
 * (`GET /sse/rooms/{room}`), a held long poll (`GET /api/rooms/{room}/poll`), and the plain WebSocket
 * (`/ws/chat?room=`). Each holds one connection to one room and counts what keeps it alive; a message
 * that arrives is handed to the worker like any other.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { subscriptionList, type ConnectionEvents, type LoadConnection, type Subscriptions } from './load-connection';
import { closeWebSocket } from './stomp-channels';

/** The one room a door connection follows: the first of its subscriptions, a bare name or a topic's last segment. */
function roomOf(subscriptions: Subscriptions): string {
  const first = subscriptionList(subscriptions)[0] ?? 'bench';
  return first.slice(first.lastIndexOf('/') + 1);
}

function within<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Counts the server's keep-alive comments (`:` lines) as heart-beats, and `event: message` data as messages. */
export class SseBenchConnection implements LoadConnection {
  heartbeatsIn = 0;
  private req?: ClientRequest;
  private open_ = false;
  private closing = false;

  constructor(private readonly origin: string, private readonly events: ConnectionEvents) {}

  get isOpen(): boolean {
    return this.open_;
  }

  get bufferedAmount(): number {
    return 0;
  }

  async open(_heartbeatMs: number, subscriptions: Subscriptions, timeoutMs: number): Promise<void> {
    const url = `${this.origin}/sse/rooms/${encodeURIComponent(roomOf(subscriptions))}`;
    await within(new Promise<void>((resolve, reject) => {
      const req = request(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`SSE answered HTTP ${res.statusCode}`));
        }
        res.setEncoding('utf8');
        let rest = '';
        res.on('data', (chunk: string) => {
          rest += chunk;
          let end: number;
          while ((end = rest.indexOf('\n\n')) >= 0) {
            const event = rest.slice(0, end);
            rest = rest.slice(end + 2);
            // The first event is `retry:`: the stream is registered and live.
            if (event.startsWith('retry:')) { this.open_ = true; resolve(); }
            else if (event.startsWith(':')) this.heartbeatsIn++;
            else if (/^event: message$/m.test(event)) {
              const data = /^data: (.*)$/m.exec(event)?.[1];
              if (data !== undefined) this.events.onMessage(Buffer.from(data, 'utf8'));
            }
          }
        });
        res.on('end', () => this.lose('the server ended the stream'));
        res.on('error', () => undefined);
      });
      req.on('error', (err) => {
        reject(err);
        this.lose(`stream failed: ${err.message}`);
      });
      req.end();
      this.req = req;
    }), timeoutMs, 'SSE stream');
  }

  private lose(reason: string): void {
    if (this.closing || !this.open_) return;
    this.open_ = false;
    this.events.onProblem(reason, true);
  }

  publish(): void {
    throw new Error('an SSE stream only listens');
  }

  heartbeat(): void {}

  close(): Promise<void> {
    this.closing = true;
    this.open_ = false;
    this.req?.destroy();
    return Promise.resolve();
  }
}

/**
 * One long poll held at a time, as a long-polling client keeps: when the server answers (a message,
 * or `[]` at its timeout) the next poll goes out at once. `open` resolves when the first poll has been
 * sent; the server holds it from the moment it reads it.
 */
export class LongPollBenchConnection implements LoadConnection {
  heartbeatsIn = 0;
  /** Polls answered (each one replaced by the next). */
  answered = 0;
  private req?: ClientRequest;
  private open_ = false;
  private closing = false;
  private url = '';

  constructor(private readonly origin: string, private readonly events: ConnectionEvents, private readonly timeoutS = 60) {}

  get isOpen(): boolean {
    return this.open_;
  }

  get bufferedAmount(): number {
    return 0;
  }

  async open(_heartbeatMs: number, subscriptions: Subscriptions, timeoutMs: number): Promise<void> {
    this.url = `${this.origin}/api/rooms/${encodeURIComponent(roomOf(subscriptions))}/poll?timeout=${this.timeoutS}`;
    await within(this.poll(), timeoutMs, 'long poll');
    this.open_ = true;
  }

  /** Resolves when the poll has been written out. */
  private poll(): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request(this.url, { agent: false }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (this.closing) return;
          if (res.statusCode !== 200) return this.lose(`poll answered HTTP ${res.statusCode}`);
          this.answered++;
          try {
            for (const message of JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[]) {
              this.events.onMessage(Buffer.from(JSON.stringify(message), 'utf8'));
            }
          } catch {
            this.events.onProblem('a poll answer that is not a JSON array', false);
          }
          this.poll().catch((err: Error) => this.lose(`poll failed: ${err.message}`));
        });
      });
      req.on('finish', () => resolve());
      req.on('error', (err) => {
        reject(err);
        this.lose(`poll failed: ${err.message}`);
      });
      req.end();
      this.req = req;
    });
  }

  private lose(reason: string): void {
    if (this.closing || !this.open_) return;
    this.open_ = false;
    this.events.onProblem(reason, true);
  }

  publish(): void {
    throw new Error('a long poll only listens');
  }

  heartbeat(): void {}

  close(): Promise<void> {
    this.closing = true;
    this.open_ = false;
    this.req?.destroy();
    return Promise.resolve();
  }
}

/** `/ws/chat?room=`: each text frame the server sends is a message of the room. */
export class PlainWsBenchConnection implements LoadConnection {
  heartbeatsIn = 0;
  private ws?: WebSocket;
  private closing = false;
  private ready = false;

  constructor(private readonly origin: string, private readonly events: ConnectionEvents) {}

  get isOpen(): boolean {
    return this.ready && this.ws?.readyState === WebSocket.OPEN;
  }

  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  async open(_heartbeatMs: number, subscriptions: Subscriptions, timeoutMs: number): Promise<void> {
    const url = `${this.origin.replace(/^http/, 'ws')}/ws/chat?room=${encodeURIComponent(roomOf(subscriptions))}`;
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    this.ws = ws;
    ws.on('message', (data: Buffer) => this.events.onMessage(data));
    ws.on('ping', () => this.heartbeatsIn++);
    ws.on('close', (code) => this.lose(`closed by server: ${code}`));
    ws.on('error', (err) => this.lose(`socket error: ${err.message}`));
    await within(new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    }), timeoutMs, 'plain WebSocket').catch((err: unknown) => {
      ws.terminate();
      throw err;
    });
    this.ready = true;
  }

  private lose(reason: string): void {
    if (this.closing || !this.ready) return;
    this.ready = false;
    this.events.onProblem(reason, true);
  }

  publish(_destination: string, body: Buffer): void {
    this.ws?.send(body, { binary: false });
  }

  heartbeat(): void {}

  close(graceMs: number): Promise<void> {
    this.closing = true;
    return closeWebSocket(this.ws, graceMs);
  }
}
