import type { Connection } from './connection.port';

/** What a transport holds for one open connection. */
export interface SessionHandle {
  /** One inbound transport message (any chunking of STOMP bytes; SockJS hands strings). */
  receive(data: Buffer | string): void;
  /** The transport is gone; call exactly once. */
  closed(): void;
}

/** The STOMP side of every transport: WebSocket at /chat and each SockJS transport open sessions here. */
export interface StompEndpoint {
  open(connection: Connection): SessionHandle;
}

export const STOMP_ENDPOINT = Symbol('StompEndpoint');
