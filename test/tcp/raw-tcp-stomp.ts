import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { StompDecoder, type StompFrame, type StompVersion } from '@app/stomp-codec';

export interface RawTcpOptions {
  port: number;
  /** Trust this certificate and speak TLS. */
  ca?: Buffer;
  /** Source address (127.0.0.x), to be another client for per-address limits. */
  localAddress?: string;
}

/**
 * A deliberately dumb STOMP peer on a raw socket: writes exactly the bytes it is given, in the chunks it
 * is given, and records every frame and every raw byte it gets back (so a test can see that nothing but
 * STOMP came out, e.g. no HTTP answer).
 */
export class RawTcpStomp {
  readonly frames: StompFrame[] = [];
  /** The first 64 KiB or so the server sent, as bytes. */
  raw = Buffer.alloc(0);
  ended = false;
  readonly closed: Promise<void>;
  private readonly decoder = new StompDecoder({ maxFrameBytes: 16 * 1024 * 1024 }, { commands: 'server' });
  private undecodable?: Error;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      // The first bytes are enough to tell what the server speaks; a long stream is not copied over and over.
      if (this.raw.length < 65_536) this.raw = Buffer.concat([this.raw, chunk]);
      try {
        this.decoder.feed(chunk, (f) => {
          this.frames.push(f);
          if (f.command === 'CONNECTED') this.decoder.version = (f.headers.get('version') ?? '1.0') as StompVersion;
        });
      } catch (error) {
        this.undecodable = error as Error;
      }
      this.wake();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.ended = true;
      this.wake();
      resolve();
    }));
  }

  static open(options: RawTcpOptions): Promise<RawTcpStomp> {
    return new Promise((resolve, reject) => {
      const base = { host: '127.0.0.1', port: options.port, localAddress: options.localAddress };
      const socket = options.ca
        ? tlsConnect({ ...base, ca: [options.ca], servername: 'localhost' }, () => resolve(client))
        : netConnect(base, () => resolve(client));
      const client = new RawTcpStomp(socket);
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Writes `data` in pieces of `size` bytes, one event-loop turn apart, so the server gets many chunks. */
  async dribble(data: string | Buffer, size: number): Promise<void> {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
    for (let i = 0; i < bytes.length; i += size) {
      if (this.ended) return;
      this.socket.write(bytes.subarray(i, i + size));
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  async connect(headers: Record<string, string> = {}): Promise<StompFrame> {
    this.write(frame('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0', ...headers }));
    const f = await this.next((x) => x.command === 'CONNECTED' || x.command === 'ERROR');
    if (f.command === 'ERROR') throw new Error(`ERROR: ${f.headers.get('message')}`);
    return f;
  }

  async next(match: (f: StompFrame) => boolean, timeoutMs = 10_000): Promise<StompFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (this.undecodable) throw new Error(`the server sent something that is not STOMP: ${this.undecodable.message}`);
      if (this.ended) throw new Error(`closed before the frame arrived; got ${this.frames.map((f) => f.command).join(',')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${this.frames.map((f) => f.command).join(',')}`);
      await this.wait(left);
    }
  }

  receipt(id: string): Promise<StompFrame> {
    return this.next((f) => f.command === 'RECEIPT' && f.headers.get('receipt-id') === id);
  }

  /** An ERROR frame, then the server closing the socket; returns the ERROR. */
  async errorThenClose(timeoutMs = 10_000): Promise<StompFrame> {
    const error = await this.next((f) => f.command === 'ERROR', timeoutMs);
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('the socket stayed open after the ERROR');
      await this.wait(left);
    }
    return error;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export function frame(command: string, headers: Record<string, string> = {}, body = ''): string {
  return `${command}\n${Object.entries(headers).map(([k, v]) => `${k}:${v}\n`).join('')}\n${body}\0`;
}
