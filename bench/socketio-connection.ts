/**
 * One load-generator Socket.IO client (websocket transport only, as the other targets get one WebSocket
 * each): `sub` with an ack is the subscription, `pub` the publish, `m` every delivery. Socket.IO's own
 * ping/pong is its heart-beat, answered by the client library.
 */
import { io, type Socket } from 'socket.io-client';
import { subscriptionList, type ConnectionEvents, type LoadConnection, type Subscriptions } from './load-connection';

interface EngineSocket {
  transport?: { ws?: { bufferedAmount?: number } };
  on(event: 'ping', listener: () => void): void;
}

export class SocketIoBenchConnection implements LoadConnection {
  private socket?: Socket;
  private ready = false;
  private closing = false;
  private pings = 0;
  lost = false;

  constructor(private readonly url: string, private readonly events: ConnectionEvents) {}

  get isOpen(): boolean {
    return this.ready && !this.lost && this.socket?.connected === true;
  }

  get bufferedAmount(): number {
    return this.engine()?.transport?.ws?.bufferedAmount ?? 0;
  }

  get heartbeatsIn(): number {
    return this.pings;
  }

  async open(_heartbeatMs: number, subscriptions: Subscriptions, timeoutMs: number): Promise<void> {
    const socket = io(this.url, {
      transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs,
    });
    this.socket = socket;
    socket.on('m', (body: string | Buffer) => {
      if (this.ready) this.events.onMessage(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (err: Error) => reject(new Error(`connect failed: ${err.message}`)));
      });
      this.engine()?.on('ping', () => void this.pings++);
      for (const destination of subscriptionList(subscriptions)) await socket.timeout(timeoutMs).emitWithAck('sub', destination);
      socket.on('disconnect', (reason: string) => this.fail(`disconnected: ${reason}`));
      this.ready = true;
    } catch (err) {
      socket.disconnect();
      throw err;
    }
  }

  publish(destination: string, body: Buffer): void {
    // A string, not a Buffer: a binary payload would travel as a second WebSocket frame (an attachment).
    this.socket?.emit('pub', destination, body.toString('latin1'));
  }

  heartbeat(): void {
    // Socket.IO's server pings; the client library pongs.
  }

  close(graceMs: number): Promise<void> {
    this.closing = true;
    const socket = this.socket;
    if (!socket || socket.disconnected) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      socket.once('disconnect', () => { clearTimeout(timer); resolve(); });
      socket.disconnect();
    });
  }

  private engine(): EngineSocket | undefined {
    return (this.socket?.io as unknown as { engine?: EngineSocket } | undefined)?.engine;
  }

  private fail(reason: string): void {
    if (this.closing || !this.ready || this.lost) return;
    this.lost = true;
    this.events.onProblem(reason, true);
  }
}
