/** A chat message as stored; `id` is one sequence across all rooms. */
export interface StoredMessage {
  id: number;
  room: string;
  /**
   * Its number in its room (1, 2, 3, ...), given under the room's lock so that within a room commits
   * follow it, and ids grow with it (#12). Internal: nodes order and gap-check deliveries by it; clients
   * see ids only.
   */
  seq: number;
  from: string;
  text: string;
  sentAt: Date;
  /** Set by the author's last edit (#13). */
  editedAt?: Date;
  /** Set when the message was deleted: it is a tombstone, its text erased (#13). */
  deletedAt?: Date;
  deletedBy?: string;
}

export interface NewMessage {
  room: string;
  from: string;
  text: string;
  sentAt: Date;
  /** Retry key from the client (`client-message-id`); unique per (room, from). */
  clientMessageId?: string;
}

export interface AppendResult {
  message: StoredMessage;
  /** True when (room, from, clientMessageId) was already stored: `message` is the earlier one. */
  duplicate: boolean;
}

export interface RoomSummary {
  room: string;
  messages: number;
  lastMessageAt: Date;
}

/** Everything the chat domain needs from storage. Implemented by libs/persistence (TypeORM). */
export interface ChatRepository {
  /**
   * Stores the batch in one transaction; results in input order; ids grow in input order. Within a room,
   * seq and id both grow in commit order, across every process writing to the store.
   */
  append(batch: readonly NewMessage[]): Promise<AppendResult[]>;
  /**
   * How many appends the store commits in parallel to good effect (pooled connections); absent = one at
   * a time. The chat's writer keeps that many batches on their way.
   */
  readonly parallelAppends?: number;
  /** The latest `limit` messages of a room, oldest first. */
  latest(room: string, limit: number): Promise<StoredMessage[]>;
  /** The oldest `limit` messages with id > afterId, oldest first. */
  after(room: string, afterId: number, limit: number): Promise<StoredMessage[]>;
  /** The oldest `limit` messages of the room with seq > afterSeq, in seq order. */
  afterSeq(room: string, afterSeq: number, limit: number): Promise<StoredMessage[]>;
  /** The room's newest seq (0 for a room with no messages). */
  lastSeq(room: string): Promise<number>;
  /** The `limit` messages just below beforeId, oldest first. */
  before(room: string, beforeId: number, limit: number): Promise<StoredMessage[]>;
  rooms(): Promise<RoomSummary[]>;
  /** Throws when the database is unreachable (for /health). */
  ping(): Promise<void>;
}

export const CHAT_REPOSITORY = Symbol('ChatRepository');
