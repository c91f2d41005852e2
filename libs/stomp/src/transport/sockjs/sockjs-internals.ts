import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/*
 * The parts of sockjs-node 0.3.24 that this transport relies on. @types/sockjs only describes
 * installHandlers(), which rewires the HTTP server's 'request' and 'upgrade' listeners and so would
 * take the upgrade event away from the upgrade router; listener().getHandler() is the same handler
 * without the rewiring. The session internals (`_session.send_buffer`, `_session.recv`) are read
 * to measure what a client has not taken yet: sockjs exposes no such count. The package is pinned
 * (package-lock), and test/sockjs/sockjs-connection-adapter.spec.ts fails if these shapes change.
 */

/** Filled in by sockjs for each session, before 'connection' is emitted. */
export interface SockJsConnection extends EventEmitter {
  readonly id: string;
  /** 'websocket', 'websocket-raw', 'xhr-streaming', 'xhr-polling', 'jsonp-polling', 'eventsource', 'htmlfile'. */
  readonly protocol: string;
  readonly remoteAddress?: string;
  readonly pathname?: string;
  readonly readyState: number;
  write(text: string): boolean;
  close(code?: number, reason?: string): boolean;
  readonly _session: SockJsSession | null;
}

/** One receiver: the HTTP response being streamed to, or the socket of a websocket. */
export interface SockJsReceiver {
  readonly response?: ServerResponse | null;
  readonly connection?: Duplex | null;
}

export interface SockJsSession {
  /** Messages accepted by send() that wait for the client's next request (polling transports). */
  send_buffer?: string[];
  readonly recv?: SockJsReceiver | null;
  readonly readyState: number;
}

export interface SockJsServerOptions {
  prefix: string;
  sockjs_url: string;
  response_limit: number;
  websocket: boolean;
  jsessionid: boolean;
  heartbeat_delay: number;
  disconnect_delay: number;
  disable_cors?: boolean;
  faye_server_options: { maxLength: number };
  log: (severity: string, line: string) => void;
}

/** Returns false when the URL is not under the listener's prefix. */
export type SockJsHandler = (req: IncomingMessage, resOrSocket: ServerResponse | Duplex, head?: Buffer) => boolean;

export interface SockJsServer extends EventEmitter {
  listener(options?: Partial<SockJsServerOptions>): { getHandler(): SockJsHandler };
  on(event: 'connection', listener: (conn: SockJsConnection) => void): this;
}

interface SockJsModule {
  createServer(options: Partial<SockJsServerOptions>): SockJsServer;
}

const sockjs = require('sockjs') as SockJsModule;

export function createSockJsServer(options: SockJsServerOptions): SockJsServer {
  return sockjs.createServer(options);
}

/** sockjs' readyState values (Transport.CONNECTING ... CLOSED). */
export const SOCKJS_OPEN = 1;
