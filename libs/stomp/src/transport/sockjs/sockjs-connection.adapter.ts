import { CloseCode, type Connection, type SessionHandle } from '@app/stomp-session';
import { closeRawWebSocket, webSocketApiMaySend, type SockJsConnection } from './sockjs-internals';

/**
 * Close codes this transport sends in SockJS close frames (`c[code,"reason"]`): the session's
 * catalogue (CloseCode) where it has one, and sockjs' own 3000 for broken framing.
 */
export const SOCKJS_CLOSE = {
  /** A message that is not a string (e.g. `a[1]` or a binary frame on the SockJS websocket). */
  brokenFraming: { code: 3000, reason: 'Broken framing.' },
  /** Too much queued for a client that is not taking it (polling client away too long, or too slow). */
  sendBufferOverflow: { code: CloseCode.SlowConsumer, reason: 'Send buffer overflow' },
  sendTimeLimit: { code: CloseCode.SlowConsumer, reason: 'Send time limit exceeded' },
  /** The STOMP endpoint threw while opening or handling the session. */
  serverError: { code: 1011, reason: 'Server error' },
} as const;

export interface SockJsSendLimits {
  /** Bytes that may wait in sockjs' queue for the client's next request; past it the session is closed. */
  readonly sendBufferBytes: number;
  /** How long queued bytes may wait for the client's next request before the session is closed. */
  readonly sendTimeLimitMs: number;
}

export type ErrorLog = (message: string, error?: unknown) => void;

/**
 * One SockJS session seen as a STOMP `Connection`. SockJS carries strings only, so frames whose
 * body is not UTF-8 travel as (lossily decoded) text; STOMP clients over SockJS expect that.
 */
export class SockJsConnectionAdapter implements Connection {
  readonly transport: string;
  readonly remoteAddress: string;
  private handle: SessionHandle | undefined;
  private ended = false;
  /** sockjs swaps in a new `send_buffer` array on every flush; `queuedBytes` counts what sits in `queueRef`. */
  private queueRef: string[] | undefined;
  private queuedBytes = 0;
  private queueTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly conn: SockJsConnection,
    private readonly limits: SockJsSendLimits,
    private readonly logError: ErrorLog,
    private readonly onEnd: (adapter: SockJsConnectionAdapter) => void = () => undefined,
  ) {
    this.transport = `sockjs-${conn.protocol}`;
    this.remoteAddress = conn.remoteAddress ?? '';
  }

  /** Starts delivering the session's messages to `handle`; `closed()` follows exactly once. */
  attach(handle: SessionHandle): void {
    this.handle = handle;
    this.conn.on('data', (message: unknown) => this.deliver(message));
    this.conn.on('close', () => this.end());
  }

  send(data: Buffer, _binary: boolean): void {
    if (this.ended) return;
    const text = data.toString('utf8');
    this.conn.write(text);
    const queue = this.conn._session?.send_buffer;
    if (queue !== this.queueRef) {
      this.queueRef = queue;
      this.queuedBytes = 0;
      this.stopQueueTimer();
    }
    // A non-empty queue after write() means no request of the client is there to take it.
    if (queue && queue.length > 0) {
      this.queuedBytes += Buffer.byteLength(text);
      if (this.queuedBytes > this.limits.sendBufferBytes) return this.drop(SOCKJS_CLOSE.sendBufferOverflow);
      this.queueTimer ??= setTimeout(() => this.checkQueueAge(queue), this.limits.sendTimeLimitMs);
    }
  }

  get bufferedBytes(): number {
    const session = this.conn._session;
    if (!session) return 0;
    const queue = session.send_buffer;
    const queued = queue && queue === this.queueRef && queue.length > 0 ? this.queuedBytes : 0;
    const recv = session.recv;
    const sink = recv?.response ?? recv?.connection;
    return queued + (sink?.writableLength ?? 0);
  }

  close(code = 1000, reason = 'Normal closure'): void {
    this.stopQueueTimer();
    // The other transports carry the code in sockjs' close frame; the raw websocket has only its own.
    if (this.conn.protocol === 'websocket-raw' && !webSocketApiMaySend(code)) closeRawWebSocket(this.conn, code, reason);
    else this.conn.close(code, reason);
  }

  private deliver(message: unknown): void {
    if (this.ended || !this.handle) return;
    // sockjs hands over whatever JSON the client put in its array, and Buffers on the raw websocket.
    if (typeof message !== 'string' && !Buffer.isBuffer(message)) return this.drop(SOCKJS_CLOSE.brokenFraming);
    try {
      this.handle.receive(message);
    } catch (error) {
      this.logError(`STOMP session failed on a ${this.transport} message`, error);
      this.drop(SOCKJS_CLOSE.serverError);
    }
  }

  private drop(why: { code: number; reason: string }): void {
    // The client is being cut off: do not make it download the backlog first.
    const session = this.conn._session;
    if (session?.send_buffer) session.send_buffer = [];
    this.close(why.code, why.reason);
  }

  private checkQueueAge(queue: string[]): void {
    this.queueTimer = undefined;
    if (!this.ended && this.conn._session?.send_buffer === queue && queue.length > 0) {
      this.drop(SOCKJS_CLOSE.sendTimeLimit);
    }
  }

  private stopQueueTimer(): void {
    if (this.queueTimer) clearTimeout(this.queueTimer);
    this.queueTimer = undefined;
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopQueueTimer();
    this.onEnd(this);
    try {
      this.handle?.closed();
    } catch (error) {
      this.logError(`STOMP session failed while closing a ${this.transport} connection`, error);
    }
  }
}
