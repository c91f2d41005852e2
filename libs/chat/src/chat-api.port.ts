import type { BrokerMessage } from '@app/messaging';
import type { RoomSummary, StoredMessage } from './chat-repository.port';

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

/**
 * The chat service every door uses (STOMP controllers, REST, SSE, long polling, plain WebSocket).
 * Messages published to `/topic/rooms/{room}` carry the stored message as JSON in the body and its id
 * in the `chat-id` header, so followers can order and de-duplicate without parsing.
 */
export interface ChatApi {
  /** Validates, stores (group commit), publishes; resolves once durable. Throws ChatError on bad input. */
  post(input: PostInput, principal?: string): Promise<StoredMessage>;
  messages(room: string, query: HistoryQuery): Promise<StoredMessage[]>;
  rooms(): Promise<RoomSummary[]>;
  /**
   * Delivers the room's stored messages with id > afterId (all of none when undefined: live only),
   * then live ones: in id order, no gap, no duplicate. Returns the function that stops it.
   */
  follow(room: string, afterId: number | undefined, deliver: (message: BrokerMessage) => void): () => void;
  /** follow(), and when the subscription is in effect (nothing stored from then on can be missed). */
  followRoom(room: string, afterId: number | undefined, deliver: (message: BrokerMessage) => void): RoomFollow;
}

export interface RoomFollow {
  stop(): void;
  /** Resolves when nothing stored in the room from then on can be missed; undefined when that is so already. */
  readonly ready: Promise<void> | undefined;
}

export const CHAT_API = Symbol('ChatApi');
