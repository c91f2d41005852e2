/**
 * What carries a bench STOMP session's bytes: a plain WebSocket (WsStompChannel, bench-connection.ts) or
 * a SockJS transport, spoken here from scratch (sockjs-protocol 0.3: `o` opens, `h` is SockJS's own
 * heart-beat, `a[...]` carries messages as JSON strings, `c[code,reason]` closes), so that the bench
 * shares no code with the server's sockjs-node.
 */
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

export interface StompChannel {
  /** False when every client frame costs an HTTP request: the session then offers no client heart-beats. */
  readonly clientHeartbeats: boolean;
  readonly isOpen: boolean;
  readonly bufferedAmount: number;
  /** Resolves once open; `onData` gets each chunk of STOMP bytes, `onClose` why it ended (possibly more than once). */
  open(onData: (data: Buffer) => void, onClose: (reason: string) => void): Promise<void>;
  send(data: Buffer): void;
  close(graceMs: number): Promise<void>;
  terminate(): void;
}

/** `<base>/<server>/<session>`: a fresh SockJS session URL under the endpoint `base` (http://host:port/chat). */
/** Closes with a close handshake, cut short after `graceMs`: every WebSocket the bench holds ends this way. */
export function closeWebSocket(ws: WebSocket | undefined, graceMs: number): Promise<void> {
  if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { ws.terminate(); resolve(); }, graceMs);
    ws.once('close', () => { clearTimeout(timer); resolve(); });
    ws.close(1000, 'bench done');
  });
}

function sessionUrl(base: string): string {
  return `${base}/${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}/${randomBytes(8).toString('hex')}`;
}

/**
 * Hands each SockJS frame's messages on as bytes; returns the close reason for a `c` frame. `o` and `h`
 * carry nothing for STOMP.
 */
function readSockJsFrame(frame: string, onData: (data: Buffer) => void): string | undefined {
  if (frame.length === 0 || frame === 'o' || frame === 'h') return undefined;
  if (frame[0] === 'a') {
    for (const message of JSON.parse(frame.slice(1)) as string[]) onData(Buffer.from(message, 'utf8'));
    return undefined;
  }
  if (frame[0] === 'c') {
    const [code, reason] = JSON.parse(frame.slice(1)) as [number, string];
    return `closed by server: ${code} ${reason}`.trim();
  }
  return `unexpected SockJS frame ${JSON.stringify(frame.slice(0, 20))}`;
}

/** SockJS's websocket transport: `<base>/<server>/<session>/websocket`, one SockJS frame per WebSocket message. */
export class SockJsWsChannel implements StompChannel {
  readonly clientHeartbeats = true;
  private ws?: WebSocket;

  constructor(private readonly base: string) {}

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  async open(onData: (data: Buffer) => void, onClose: (reason: string) => void): Promise<void> {
    const ws = new WebSocket(`${sessionUrl(this.base.replace(/^http/, 'ws'))}/websocket`, { perMessageDeflate: false, handshakeTimeout: 30_000 });
    this.ws = ws;
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    ws.on('message', (data: Buffer) => {
      const frame = data.toString('utf8');
      if (frame === 'o') return opened();
      const closed = readSockJsFrame(frame, onData);
      if (closed) onClose(closed);
    });
    ws.on('error', (err) => onClose(`socket error: ${err.message}`));
    ws.on('close', (code) => onClose(`closed: ${code}`));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    await open;
  }

  send(data: Buffer): void {
    this.ws?.send(JSON.stringify([data.toString('utf8')]));
  }

  close(graceMs: number): Promise<void> {
    return closeWebSocket(this.ws, graceMs);
  }

  terminate(): void {
    this.ws?.terminate();
  }
}

/** Sends of every xhr-streaming session of a worker share a few keep-alive sockets. */
const SEND_AGENT = new Agent({ keepAlive: true, maxSockets: 16 });

/**
 * SockJS's xhr-streaming transport: one long POST `<session>/xhr_streaming` whose response streams
 * newline-ended SockJS frames (after a 2 KiB prelude of `h`), and a POST `<session>/xhr_send` per send.
 * When the server ends a response (its byte limit), the next one is opened at once, as sockjs-client does.
 */
export class SockJsXhrStreamingChannel implements StompChannel {
  readonly clientHeartbeats = false;
  private url = '';
  private receiving?: ClientRequest;
  private open_ = false;
  private closing = false;
  /** Sends leave in order, one at a time, as sockjs-client's do. */
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly base: string) {}

  get isOpen(): boolean {
    return this.open_;
  }

  get bufferedAmount(): number {
    return 0;
  }

  async open(onData: (data: Buffer) => void, onClose: (reason: string) => void): Promise<void> {
    this.url = sessionUrl(this.base);
    await this.receive(onData, (reason) => {
      this.open_ = false;
      onClose(reason);
    });
    this.open_ = true;
  }

  /** Resolves at the `o` frame of the first response (a later response has none, and resolves nothing). */
  private receive(onData: (data: Buffer) => void, onClose: (reason: string) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request(`${this.url}/xhr_streaming`, { method: 'POST', agent: false }, (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`xhr_streaming answered HTTP ${res.statusCode}`));
        }
        res.setEncoding('utf8');
        let rest = '';
        res.on('data', (chunk: string) => {
          rest += chunk;
          let nl: number;
          while ((nl = rest.indexOf('\n')) >= 0) {
            const frame = rest.slice(0, nl);
            rest = rest.slice(nl + 1);
            if (frame === 'o') resolve();
            else if (/^h+$/.test(frame)) continue;
            const closed = readSockJsFrame(frame, onData);
            if (closed) onClose(closed);
          }
        });
        res.on('end', () => {
          if (this.closing) return;
          // The response reached the server's byte limit: the session goes on in a fresh one.
          this.receive(onData, onClose).catch((err: Error) => onClose(`xhr_streaming reopen failed: ${err.message}`));
        });
        res.on('error', () => undefined);
      });
      req.on('error', (err) => {
        reject(err);
        if (!this.closing) onClose(`xhr_streaming failed: ${err.message}`);
      });
      req.end();
      this.receiving = req;
    });
  }

  send(data: Buffer): void {
    const body = JSON.stringify([data.toString('utf8')]);
    this.sending = this.sending.then(() => new Promise<void>((resolve) => {
      const req = request(`${this.url}/xhr_send`, {
        method: 'POST', agent: SEND_AGENT,
        headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', () => resolve());
      req.end(body);
    }));
  }

  close(): Promise<void> {
    this.terminate();
    return Promise.resolve();
  }

  terminate(): void {
    this.closing = true;
    this.open_ = false;
    this.receiving?.destroy();
  }
}
