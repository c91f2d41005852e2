/** A stored chat message, as every door delivers it (docs/destinations.md, "Message shapes"). */
export interface ChatMessage {
  id: number;
  room: string;
  from: string;
  text: string;
  sentAt: string;
  time: string;
  /** Present once the author edited it. */
  editedAt?: string;
  /** A tombstone: the message was deleted, `text` is empty. */
  deleted?: true;
}

export interface PresenceUser {
  user: string;
  since: string;
}

/** Room events, as /topic/rooms/{room}/events, SSE and Socket.IO carry them. */
export type RoomEvent =
  | { type: 'presence'; room: string; users: PresenceUser[] }
  /** A user's first connection started following the room. */
  | { type: 'join'; room: string; user: string; at: string }
  /** A user's last connection stopped following the room. */
  | { type: 'leave'; room: string; user: string; at: string }
  | { type: 'typing'; room: string; user: string; typing: boolean; at: string }
  | { type: 'read'; room: string; user: string; lastReadId: number }
  | { type: 'edit'; room: string; message: ChatMessage }
  | { type: 'delete'; room: string; id: number; deletedBy: string; at: string }
  /** The client may no longer read a joined room (removed, banned, made private): it is left. */
  | { type: 'removed'; room: string; error: string; message: string };

export type RoomEventType = RoomEvent['type'];
export type PresenceEvent = Extract<RoomEvent, { type: 'presence' }>;

/**
 * How the client reaches the server. STOMP: `websocket` (ws://HOST/chat) or `sockjs` (SockJS's best
 * transport) or one SockJS transport forced; `sse` (Server-Sent Events + REST) and `long-polling`
 * (+ REST); `socketio` (polling, then websocket) and `socketio-polling`.
 */
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

/**
 * `connecting`: a connection is being made; `connected`: it is up (rooms are being followed);
 * `reconnecting`: it dropped and the next try is `delayMs` away; `disconnected`: not connected and not
 * trying (before connect(), after disconnect() or close()).
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface StateChange {
  state: ConnectionState;
  /** Why the last connection ended (reconnecting). */
  reason?: string;
  /** The wait before the next try (reconnecting). */
  delayMs?: number;
  /** How many tries failed in a row (reconnecting). */
  attempt?: number;
}

/** Emitted each time a room's feed is live: after join(), and again after every resume. */
export interface RoomJoined {
  room: string;
  /** The id the feed resumed after (undefined: it started with the room's history). */
  resumedAfter: number | undefined;
}
