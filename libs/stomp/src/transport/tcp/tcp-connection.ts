import type { Socket } from 'node:net';
import { CLOSE_GRACE_MS, CloseCode, type Connection } from '@app/stomp-session';

/**
 * A TCP (or TLS) socket as the STOMP session's Connection: STOMP frames go out as they are, with no
 * framing of their own, since the STOMP decoder on the other side takes any chunking.
 *
 * Backpressure is the session's rule, as on every door: `bufferedBytes` is what the socket has accepted
 * and the kernel has not, so the session drops a client past SEND_BUFFER_BYTES, or blocked longer than
 * SEND_TIME_LIMIT_MS, exactly as it drops a slow WebSocket client. The transport batches the socket's
 * writes per turn (batchTurns) before this sees it; bytes held for the turn count as buffered.
 */
export class TcpConnection implements Connection {
  /** TCP has no sub-protocol: the CONNECT frame alone names the version. */
  readonly protocol = undefined;
  private closing = false;

  constructor(
    private readonly socket: Socket,
    readonly transport: string,
    readonly remoteAddress: string,
  ) {}

  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  /** Binary or text is a WebSocket distinction: on TCP a frame is bytes either way. */
  send(data: Buffer): void {
    if (this.closing || !this.socket.writable) return;
    this.socket.write(data);
  }

  /** Inbound flow control: the session stops reading while too many of its frames are unanswered. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(code?: number): void {
    if (this.closing) return;
    this.closing = true;
    // A slow consumer will not read what is queued: free it now rather than after the grace.
    if (code === CloseCode.SlowConsumer) return void this.socket.destroy();
    // Otherwise what is queued (an ERROR frame) goes first, then our FIN. Bytes the peer still sends are
    // read and dropped until it hangs up: closing with unread input would reset the connection, and the
    // peer could lose the ERROR that tells it why. A peer that never reads or never hangs up is cut after
    // the grace every door gives a closing socket.
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }
}
