import { io, type Socket } from 'socket.io-client';
import type { WireMessage } from '../http/http-client';

export type SioTransport = 'websocket' | 'polling';
export const SIO_TRANSPORTS: readonly SioTransport[] = ['websocket', 'polling'];

export interface SioOptions {
  /** One Engine.IO transport only (no upgrade), so that each test speaks the one it names. */
  transport?: SioTransport;
  /** Socket.IO's default instead: polling first, then an upgrade to a websocket. */
  upgrade?: boolean;
  auth?: Record<string, unknown>;
  query?: Record<string, string>;
  extraHeaders?: Record<string, string>;
}

export type ConnectError = Error & { data?: { error?: string; message?: string } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * socket.io-client in Node, as a program of a Socket.IO team would use it, recording everything the
 * server emits: stored messages (`message`), room events (`event`) and how the connection ended.
 */
export class SioClient {
  readonly messages: WireMessage[] = [];
  readonly events: Array<Record<string, unknown>> = [];
  disconnectReason: string | undefined;
  /** The Engine.IO transport the connection opened on (an upgrade may follow before `connect`). */
  openedOn: string | undefined;

  private constructor(readonly socket: Socket) {
    socket.io.once('open', () => {
      this.openedOn = socket.io.engine.transport.name;
    });
    socket.on('message', (m: WireMessage) => this.messages.push(m));
    socket.on('event', (e: Record<string, unknown>) => this.events.push(e));
    socket.on('disconnect', (reason) => {
      this.disconnectReason = reason;
    });
  }

  static open(url: string, options: SioOptions = {}): Socket {
    return io(url, {
      forceNew: true,
      reconnection: false,
      transports: options.upgrade ? ['polling', 'websocket'] : [options.transport ?? 'websocket'],
      upgrade: options.upgrade ?? false,
      timeout: 30_000,
      ...(options.auth && { auth: options.auth }),
      ...(options.query && { query: options.query }),
      ...(options.extraHeaders && { extraHeaders: options.extraHeaders }),
    });
  }

  /** Connected, or rejects with the connect_error. */
  static connect(url: string, options: SioOptions = {}): Promise<SioClient> {
    const socket = SioClient.open(url, options);
    const client = new SioClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(client));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
  }

  /** The connect_error a refused client gets (fails when it connects instead). */
  static async refusal(url: string, options: SioOptions = {}): Promise<ConnectError> {
    try {
      const client = await SioClient.connect(url, options);
      client.close();
    } catch (error) {
      return error as ConnectError;
    }
    throw new Error('the connection was accepted');
  }

  /** Emits with an ack and resolves with the server's answer. */
  ack<T = Record<string, unknown>>(event: string, ...args: unknown[]): Promise<T> {
    return this.socket.timeout(30_000).emitWithAck(event, ...args) as Promise<T>;
  }

  async join(room: string, sinceId?: number): Promise<void> {
    const answer = await this.ack('join', sinceId === undefined ? { room } : { room, sinceId });
    if (answer.ok !== true) throw new Error(`join ${room} refused: ${JSON.stringify(answer)}`);
  }

  async post(room: string, text: string, extra: Record<string, unknown> = {}): Promise<WireMessage> {
    const answer = await this.ack<WireMessage & { error?: string }>('message', { room, text, ...extra });
    if (answer.error !== undefined) throw new Error(`post refused: ${JSON.stringify(answer)}`);
    return answer;
  }

  /** Waits (polling the record, generous on a loaded machine) until `test` holds. */
  async waitFor(test: () => boolean, what = 'condition', timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  async waitForMessage(id: number): Promise<void> {
    await this.waitFor(() => this.messages.some((m) => m.id === id), `message ${id}`);
  }

  async disconnected(timeoutMs = 30_000): Promise<string> {
    await this.waitFor(() => this.disconnectReason !== undefined, 'disconnect', timeoutMs);
    return this.disconnectReason!;
  }

  close(): void {
    this.socket.close();
  }
}
