import type { BrokerMessage } from '@app/messaging';
import type { ChatError } from './chat-error';
import type { RoomSummary, StoredMessage } from './chat-repository.port';
import type { Caller } from './rooms/room-records';

export interface PostInput {
  room: string;
  /** From the body; ignored when `principal` is set (an authenticated sender cannot pick a name). */
  from?: unknown;
  text: unknown;
  clientMessageId?: string;
}

export interface HistoryQuery {
  after?: number;
  before?: number;
  limit?: number;
}

/** Who follows a room, and what their door does when they may no longer (#13). */
export interface FollowOptions {
  /** Undefined: anonymous, which private rooms refuse. */
  caller?: Caller;
  /**
   * The follow has been stopped because the caller may no longer read the room: `reason` is the refusal a
   * new request would get (`not-found`: removed, or the room made private; `banned`).
   */
  onRevoked?: (reason: ChatError) => void;
}

/**
 * The chat service every door uses (STOMP controllers, REST, SSE, long polling, plain WebSocket).
 * Messages published to `/topic/rooms/{room}` carry the stored message as JSON in the body and its id
 * in the `chat-id` header, so followers can order and de-duplicate without parsing.
 *
 * Every method that touches a room asks RoomAccess first, with the caller it is given (none = anonymous):
 * one check for every door, never a copy in a door. A refusal is a ChatError (`not-found` for a private
 * room the caller is not in).
 */
export interface ChatApi {
  /** Validates, stores (group commit), publishes; resolves once durable. Throws ChatError on bad input. */
  post(input: PostInput, principal?: string | Caller): Promise<StoredMessage>;
  messages(room: string, query: HistoryQuery, caller?: Caller): Promise<StoredMessage[]>;
  rooms(): Promise<RoomSummary[]>;
  /** Throws the refusal (a ChatError) when the caller may not read the room: for doors that answer before following. */
  assertCanRead(room: string, caller?: Caller): void;
  /**
   * Delivers the room's stored messages with id > afterId (all of none when undefined: live only),
   * then live ones: in id order, no gap, no duplicate. Returns the function that stops it.
   */
  follow(room: string, afterId: number | undefined, deliver: (message: BrokerMessage) => void, options?: FollowOptions): () => void;
  /** follow(), and when the subscription is in effect (nothing stored from then on can be missed). */
  followRoom(room: string, afterId: number | undefined, deliver: (message: BrokerMessage) => void, options?: FollowOptions): RoomFollow;
  /** The room's events (read markers, edits, deletions...), live. */
  followEvents(room: string, deliver: (message: BrokerMessage) => void, options?: FollowOptions): RoomFollow;
}

export interface RoomFollow {
  stop(): void;
  /** Resolves when nothing stored in the room from then on can be missed; undefined when that is so already. */
  readonly ready: Promise<void> | undefined;
}

export const CHAT_API = Symbol('ChatApi');
