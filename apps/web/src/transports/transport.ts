import type { ChatMessage } from '../chat-message';

export const TRANSPORTS = [
  'websocket',
  'sockjs',
  'sockjs-websocket',
  'sockjs-xhr-streaming',
  'sockjs-xhr-polling',
  'sockjs-eventsource',
  'sockjs-htmlfile',
  'sockjs-jsonp-polling',
  'sse',
  'long-polling',
  'socketio',
  'socketio-polling',
] as const;
export type TransportKind = (typeof TRANSPORTS)[number];

export function isTransportKind(value: string): value is TransportKind {
  return (TRANSPORTS as readonly string[]).includes(value);
}

export interface RoomOptions {
  room: string;
  name: string;
  /** The last message id received through the room's feed; undefined means "start with history". */
  sinceId: number | undefined;
  /** The page's own origin: every endpoint is same-origin. */
  base: URL;
}

/** What a transport reports to the page. After close() (or one onClose) a transport calls nothing. */
export interface FeedHandlers {
  /** The room's feed is live: sending may start. */
  onOpen(): void;
  /** Messages of the room's ordered feed (history, replay, live), oldest first. */
  onMessages(messages: ChatMessage[]): void;
  /** An error for the user that does not end the connection. */
  onNotice(text: string): void;
  /** The connection is gone; the page decides when to try again. */
  onClose(reason: string): void;
}

export interface RoomConnection {
  /**
   * Resolves once the server has stored the message (RECEIPT or 201), with the stored message when the
   * transport returns it. Rejects with SendError carrying a sentence for the user.
   */
  send(text: string, clientMessageId: string): Promise<ChatMessage | undefined>;
  close(): void;
}

export class SendError extends Error {}

export const SEND_TIMEOUT_MS = 10_000;
