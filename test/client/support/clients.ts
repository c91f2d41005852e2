import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import SockJS from 'sockjs-client';
import { ChatClient, type ChatClientError, type ChatClientOptions, type ChatMessage, type RoomEvent, type TransportKind } from '../../../libs/chat-client/src';

/** The transports a Node program can use (htmlfile, jsonp-polling and plain `sockjs` need a browser). */
export const NODE_TRANSPORTS: TransportKind[] = [
  'websocket',
  'sockjs-websocket',
  'sockjs-xhr-streaming',
  'sockjs-xhr-polling',
  'sse',
  'long-polling',
  'socketio',
  'socketio-polling',
];

/** What one client saw, in order. */
export interface Seen {
  client: ChatClient;
  messages: ChatMessage[];
  events: RoomEvent[];
  errors: ChatClientError[];
  texts(room?: string): string[];
}

/** A client as a Node program makes one: ws for WebSocket, sockjs-client's Node build for SockJS. */
export function client(url: string, transport: TransportKind, options: Partial<ChatClientOptions> = {}): Seen {
  const c = new ChatClient({
    url,
    transport,
    WebSocket: WebSocket as unknown as ChatClientOptions['WebSocket'],
    SockJS: SockJS as unknown as ChatClientOptions['SockJS'],
    // A restarting server is back within seconds: short waits keep the tests short.
    reconnect: { baseMs: 200, maxMs: 2_000 },
    ...options,
  });
  const seen: Seen = {
    client: c,
    messages: [],
    events: [],
    errors: [],
    texts: (room) => seen.messages.filter((m) => room === undefined || m.room === room).map((m) => m.text),
  };
  c.on('message', (m) => seen.messages.push(m));
  c.on('event', (e) => seen.events.push(e));
  c.on('error', (e) => seen.errors.push(e));
  return seen;
}

export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Expects a rejection with a ChatClientError; returns it. */
export async function refusal(promise: Promise<unknown>): Promise<ChatClientError> {
  try {
    await promise;
  } catch (error) {
    return error as ChatClientError;
  }
  throw new Error('expected a refusal, the call succeeded');
}

let rooms = 0;
export const roomName = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${rooms++}`.replace(/[^A-Za-z0-9_-]/g, '');

/**
 * A TCP relay in front of the server that can cut one connection at the worst moment: when the
 * server's answer to what the client just sent is on its way back (the first server-to-client bytes
 * that match), those bytes are dropped and both sides of that connection closed.
 */
export class CuttingProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private cutWhen: ((chunk: string) => boolean) | undefined;
  cuts = 0;
  url = '';

  private constructor(private readonly targetPort: number) {
    this.server = createServer((downstream) => this.relay(downstream));
  }

  static async start(targetPort: number): Promise<CuttingProxy> {
    const proxy = new CuttingProxy(targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  /** The next server-to-client chunk that matches is lost with its connection. */
  armCut(match: (chunk: string) => boolean): void {
    this.cutWhen = match;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(downstream: Socket): void {
    const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
    for (const s of [downstream, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    }
    downstream.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (this.cutWhen?.(chunk.toString('latin1'))) {
        this.cutWhen = undefined;
        this.cuts++;
        downstream.destroy();
        upstream.destroy();
        return;
      }
      downstream.write(chunk);
    });
    downstream.on('close', () => upstream.destroy());
    upstream.on('close', () => downstream.destroy());
  }
}
