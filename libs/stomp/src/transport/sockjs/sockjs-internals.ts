import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/*
 * The parts of sockjs-node 0.3.24 that this transport relies on. @types/sockjs only describes
 * installHandlers(), which rewires the HTTP server's 'request' and 'upgrade' listeners and so would
 * take the upgrade event away from the upgrade router; listener().getHandler() is the same handler
 * without the rewiring. The session internals (`_session.send_buffer`, `_session.recv`) are read
 * to measure what a client has not taken yet: sockjs exposes no such count. Its session table is read
 * (Session.bySessionId) to learn whether a request opened a session, and the raw websocket's faye
 * driver closes with the codes faye's browser-like API refuses. The package is pinned
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
  /** The key of the session in sockjs' table; absent on the websocket transports, which have none. */
  readonly session_id?: string | null;
  /** Messages accepted by send() that wait for the client's next request (polling transports). */
  send_buffer?: string[];
  readonly recv?: SockJsReceiver | null;
  readonly readyState: number;
  /** On the raw websocket (`/websocket`) the session is the receiver: faye-websocket's API object. */
  readonly ws?: { readonly _driver?: { close(reason: string, code: number): boolean } } | null;
}

export interface SockJsServerOptions {
  prefix: string;
  sockjs_url: string;
  response_limit: number;
  websocket: boolean;
  /** false, or what sets the JSESSIONID cookie (sockjs then also reports `cookie_needed: true`). */
  jsessionid: false | ((req: IncomingMessage & { cookies: Record<string, string> }, res: ServerResponse) => void);
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
const sessions = (require('sockjs/lib/transport') as { Session: { bySessionId(id: string): unknown } }).Session;

export function createSockJsServer(options: SockJsServerOptions): SockJsServer {
  return sockjs.createServer(options);
}

/** True while sockjs' session table holds `key` (from the request that opened it until it timed out). */
export function sockJsSessionExists(key: string): boolean {
  return sessions.bySessionId(key) !== null;
}

/** The codes faye-websocket's API (like a browser's WebSocket.close) lets a server send. */
export function webSocketApiMaySend(code: number): boolean {
  return code === 1000 || (code >= 3000 && code <= 4999);
}

/**
 * Closes the raw websocket `conn` with any code, 1002 or 1011 included (as STOMP over ws does): the
 * close frame goes out through faye's driver, then the API's own close (with 1000, which it accepts
 * and which the driver, already closing, does not send) arms its close timeout and ends the session.
 */
export function closeRawWebSocket(conn: SockJsConnection, code: number, reason: string): void {
  conn._session?.ws?._driver?.close(reason, code);
  conn.close(1000, reason);
}

/** sockjs' readyState values (Transport.CONNECTING ... CLOSED). */
export const SOCKJS_OPEN = 1;
