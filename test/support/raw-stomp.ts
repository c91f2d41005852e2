import WebSocket from 'ws';
import { StompDecoder, type StompFrame, type StompVersion } from '@app/stomp-codec';

/**
 * A deliberately dumb STOMP peer for protocol tests: writes exactly the bytes it is given and records
 * every frame, heart-beat and close it gets back.
 */
export class RawStomp {
  readonly frames: StompFrame[] = [];
  heartbeats = 0;
  closeCode?: number;
  readonly closed: Promise<number>;
  private readonly decoder = new StompDecoder({ maxFrameBytes: 16 * 1024 * 1024 }, { commands: 'server' });
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const before = this.decoder.heartbeats;
      // Frames after CONNECTED are read with the version it names, as a real client would.
      this.decoder.feed(data, (f) => {
        this.frames.push(f);
        if (f.command === 'CONNECTED') this.decoder.version = (f.headers.get('version') ?? '1.0') as StompVersion;
      });
      this.heartbeats += this.decoder.heartbeats - before;
      this.wake();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => {
      this.closeCode = code;
      this.wake();
      resolve(code);
    }));
    ws.on('error', () => undefined);
  }

  static open(url: string, protocols: string[] = ['v12.stomp'], headers: Record<string, string> = {}, options: WebSocket.ClientOptions = {}): Promise<RawStomp> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, { ...options, headers });
      const client = new RawStomp(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
    });
  }

  send(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Sends a CONNECT and waits for CONNECTED (or throws with the ERROR). */
  async connect(headers: Record<string, string> = {}): Promise<StompFrame> {
    const lines = Object.entries({ 'accept-version': '1.2', host: 'localhost', ...headers }).map(([k, v]) => `${k}:${v}\n`);
    this.send(`CONNECT\n${lines.join('')}\n\0`);
    const f = await this.next((x) => x.command === 'CONNECTED' || x.command === 'ERROR');
    if (f.command === 'ERROR') throw new Error(`ERROR: ${f.headers.get('message')}`);
    return f;
  }

  /** The first recorded frame (from `from`) that matches, waiting up to `timeoutMs`. */
  async next(match: (f: StompFrame) => boolean, timeoutMs = 5_000, from = 0): Promise<StompFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found) return found;
      if (this.closeCode !== undefined) throw new Error(`closed (${this.closeCode}) before the frame arrived; got ${this.frames.map((f) => f.command).join(',')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${this.frames.map((f) => f.command).join(',')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  command(name: string, timeoutMs?: number): Promise<StompFrame> {
    return this.next((f) => f.command === name, timeoutMs);
  }

  /** Waits for an ERROR frame followed by the socket closing. */
  async expectErrorAndClose(timeoutMs = 5_000): Promise<StompFrame> {
    const error = await this.command('ERROR', timeoutMs);
    await Promise.race([this.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('not closed')), timeoutMs))]);
    return error;
  }

  close(): void {
    this.ws.terminate();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export function frameText(command: string, headers: Record<string, string> = {}, body = ''): string {
  return `${command}\n${Object.entries(headers).map(([k, v]) => `${k}:${v}\n`).join('')}\n${body}\0`;
}
