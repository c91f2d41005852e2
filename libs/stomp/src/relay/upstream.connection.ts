import { connect, type Socket } from 'node:net';
import {
  HEARTBEAT_EOL,
  StompDecoder,
  encodeFrame,
  frame,
  negotiateHeartbeat,
  type StompFrame,
  type StompVersion,
} from '@app/stomp-codec';
import type { RelayTarget } from './relay-url';

export interface UpstreamOptions {
  /** Heart-beat we offer in both directions (ms, 0 = none). */
  heartbeatMs: number;
  /** How long the TCP connect plus CONNECT → CONNECTED may take. */
  connectTimeoutMs: number;
  /** Largest frame accepted from the broker. */
  maxFrameBytes: number;
}

export interface UpstreamHandlers {
  /** Every frame after CONNECTED (MESSAGE, RECEIPT, ERROR). */
  onFrame(frame: StompFrame): void;
  /** Called once when a connection that reached CONNECTED is gone. */
  onClose(reason: string): void;
}

/**
 * One TCP connection to the external broker: CONNECT, CONNECTED, heart-beats both ways, frames in and
 * out. No reconnecting here: the relay broker decides when to try again.
 */
export class UpstreamConnection {
  private readonly socket: Socket;
  private readonly decoder: StompDecoder;
  private version: StompVersion = '1.2';
  private connected = false;
  private closed = false;
  private lastReceived = Date.now();
  private wroteSinceBeat = false;
  private corked = false;
  private timers: NodeJS.Timeout[] = [];
  private readonly connectTimer: NodeJS.Timeout;
  private closeReason = 'connection closed';

  /** Opens the connection; resolves once CONNECTED arrived, rejects with why it did not. */
  static open(target: RelayTarget, options: UpstreamOptions, handlers: UpstreamHandlers): Promise<UpstreamConnection> {
    return new Promise((resolve, reject) => {
      const connection = new UpstreamConnection(target, options, handlers, resolve, reject);
      void connection;
    });
  }

  private constructor(
    private readonly target: RelayTarget,
    private readonly options: UpstreamOptions,
    private readonly handlers: UpstreamHandlers,
    private resolveOpen: ((c: UpstreamConnection) => void) | undefined,
    private rejectOpen: ((e: Error) => void) | undefined,
  ) {
    this.decoder = new StompDecoder(
      { maxFrameBytes: options.maxFrameBytes, maxHeaders: 1000, maxHeaderBytes: 64 * 1024 },
      { commands: 'server' },
    );
    this.socket = connect({ host: target.host, port: target.port });
    this.socket.setNoDelay(true);
    this.connectTimer = setTimeout(() => this.fail(`no CONNECTED within ${options.connectTimeoutMs} ms`), options.connectTimeoutMs);
    this.connectTimer.unref();
    this.socket.on('connect', () => this.sendConnect());
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error.message));
    this.socket.on('close', () => this.fail(this.closeReason));
  }

  send(out: StompFrame): void {
    if (this.closed) return;
    this.wroteSinceBeat = true;
    // Frames sent in one tick (a burst of publishes) leave in one TCP write instead of one each.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(encodeFrame(out, this.version));
  }

  /** Bytes written but not yet taken by the kernel (the broker is slow or applying flow control). */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  /** Polite close: DISCONNECT, then the socket. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closeReason = 'closed by the relay';
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      if (this.connected) this.socket.write(encodeFrame(frame('DISCONNECT'), this.version));
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
  }

  private sendConnect(): void {
    const headers: [string, string][] = [
      ['accept-version', '1.2'],
      ['host', this.target.virtualHost],
      ['heart-beat', `${this.options.heartbeatMs},${this.options.heartbeatMs}`],
    ];
    if (this.target.login !== undefined) headers.push(['login', this.target.login]);
    if (this.target.passcode !== undefined) headers.push(['passcode', this.target.passcode]);
    this.socket.write(encodeFrame(frame('CONNECT', headers), '1.2'));
  }

  private onData(chunk: Buffer): void {
    this.lastReceived = Date.now();
    let frames: StompFrame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      this.fail(`broker sent an undecodable frame: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    for (const received of frames) {
      if (this.closed) return;
      if (!this.connected) this.onFirstFrame(received);
      else if (received.command === 'ERROR') {
        // RabbitMQ closes the connection after an ERROR; say why it went.
        this.closeReason = `broker ERROR: ${received.headers.get('message') ?? received.body.toString('utf8')}`;
        this.handlers.onFrame(received);
      } else this.handlers.onFrame(received);
    }
  }

  private onFirstFrame(received: StompFrame): void {
    if (received.command !== 'CONNECTED') {
      this.fail(`broker refused CONNECT: ${received.headers.get('message') ?? received.command}`);
      return;
    }
    const version = received.headers.get('version');
    this.version = version === '1.1' || version === '1.0' ? version : '1.2';
    this.decoder.version = this.version;
    this.connected = true;
    clearTimeout(this.connectTimer);
    this.startHeartbeats(received.headers.get('heart-beat'));
    const resolve = this.resolveOpen;
    this.resolveOpen = this.rejectOpen = undefined;
    resolve?.(this);
  }

  private startHeartbeats(header: string | undefined): void {
    let plan = { sendEveryMs: 0, expectEveryMs: 0 };
    try {
      plan = negotiateHeartbeat(header, this.options.heartbeatMs, this.options.heartbeatMs);
    } catch {
      // A broker with a malformed heart-beat header gets no heart-beats rather than no relay.
    }
    if (plan.sendEveryMs > 0) {
      const beat = setInterval(() => {
        if (!this.wroteSinceBeat) this.socket.write(HEARTBEAT_EOL);
        this.wroteSinceBeat = false;
      }, plan.sendEveryMs);
      beat.unref();
      this.timers.push(beat);
    }
    if (plan.expectEveryMs > 0) {
      // Some slack for the network and a busy event loop, as the spec allows.
      const limit = plan.expectEveryMs * 2.5;
      const watch = setInterval(() => {
        if (Date.now() - this.lastReceived > limit) {
          this.closeReason = `no heart-beat from the broker for ${limit} ms`;
          this.socket.destroy();
        }
      }, plan.expectEveryMs);
      watch.unref();
      this.timers.push(watch);
    }
  }

  private fail(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.connectTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    this.socket.destroy();
    if (this.rejectOpen) {
      const reject = this.rejectOpen;
      this.resolveOpen = this.rejectOpen = undefined;
      reject(new Error(reason));
    } else {
      this.handlers.onClose(reason);
    }
  }
}
