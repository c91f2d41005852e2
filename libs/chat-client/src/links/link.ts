import type { ChatClientError } from '../errors';
import type { ChatMessage, PresenceEvent, RoomEvent, TransportKind } from '../types';

/** The constructors a transport may need, given by the caller where the platform has none (Node 20). */
export interface Platform {
  /** A WHATWG-style WebSocket constructor (the browser's, or the `ws` package's in Node). */
  WebSocket?: WebSocketLike;
  /** sockjs-client's default export; loaded on demand when left out. */
  SockJS?: SockJsLike;
  /** socket.io-client's `io`; loaded on demand when left out. */
  io?: IoLike;
  fetch: typeof fetch;
}

export type WebSocketLike = new (url: string, protocols?: string | string[]) => unknown;
export type SockJsLike = new (url: string, reserved?: unknown, options?: { transports?: string | string[]; timeout?: number }) => unknown;
// socket.io-client's `io`, loosely: the link uses on/emit/timeout/close only.
export type IoLike = (uri: string, options: Record<string, unknown>) => unknown;

/** What one connection attempt knows. */
export interface LinkContext {
  kind: TransportKind;
  /** http(s)://host:port/ of the chat server. */
  base: URL;
  name: string | undefined;
  token: string | undefined;
  platform: Platform;
  historyLimit: number;
  requestTimeoutMs: number;
}

/** What a link reports. After close(), or one `closed`, a link reports nothing more. */
export interface LinkEvents {
  /** The connection is up: rooms may be followed, messages sent. */
  opened(): void;
  /** Messages of a followed room's ordered feed (history, replay, live), oldest first. */
  messages(room: string, messages: ChatMessage[]): void;
  event(event: RoomEvent): void;
  /** A followed room's feed ended because the client may no longer read it. */
  lost(room: string, error: ChatClientError): void;
  /** A refusal tied to no call of the client. */
  error(error: ChatClientError): void;
  /** The connection is gone. */
  closed(reason: string): void;
}

/**
 * One connection over one transport. Every call that the server answers resolves once it is done, or
 * rejects with a ChatClientError.
 */
export interface Link {
  /**
   * Follows a room's messages and events: with `sinceId` the stored messages after it first, without
   * it the room's latest messages first; resolves once nothing posted from then on can be missed.
   */
  follow(room: string, sinceId: number | undefined): Promise<void>;
  unfollow(room: string): void;
  /** Resolves once stored, with the stored message where the transport returns it (not STOMP). */
  post(room: string, text: string, clientMessageId: string): Promise<ChatMessage | undefined>;
  typing(room: string, typing: boolean): Promise<void>;
  read(room: string, lastReadId: number): Promise<void>;
  edit(room: string, id: number, text: string): Promise<void>;
  remove(room: string, id: number): Promise<void>;
  presence(room: string): Promise<PresenceEvent>;
  close(): void;
}
