import type { WebSocket } from 'ws';
import { CLOSE_GRACE_MS, type Connection } from '@app/stomp-session';

// Shared option objects: no allocation per frame on the fan-out path.
const BINARY = { binary: true } as const;
const TEXT = { binary: false } as const;

/**
 * A `ws` socket as the STOMP session's Connection. Its writes are batched per turn under `ws`, on the
 * socket (the upgrade router's batchTurns); `bufferedAmount` counts what a turn holds.
 */
export class WsConnection implements Connection {
  constructor(
    private readonly ws: WebSocket,
    readonly transport: string,
    readonly remoteAddress: string,
  ) {}

  get protocol(): string | undefined {
    return this.ws.protocol || undefined;
  }

  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  send(data: Buffer, binary: boolean): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(data, binary ? BINARY : TEXT);
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  close(code = 1000, reason = ''): void {
    if (this.ws.readyState === this.ws.CLOSED) return;
    this.ws.close(code, reason);
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }
}
