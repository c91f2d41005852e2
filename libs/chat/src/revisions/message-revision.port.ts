import type { StoredMessage } from '../chat-repository.port';

/** Edits and deletions of stored messages (libs/persistence implements it over TypeORM). */
export interface MessageRevisionRepository {
  /** The message `id` if it is in `room`. */
  find(room: string, id: number): Promise<StoredMessage | undefined>;
  /** New text and `editedAt`, unless the message is a tombstone by then; the message as stored afterwards. */
  edit(room: string, id: number, text: string, at: Date): Promise<StoredMessage | undefined>;
  /** Makes it a tombstone (text erased); `changed` is false when it already was one. */
  delete(room: string, id: number, by: string, at: Date): Promise<{ message: StoredMessage; changed: boolean } | undefined>;
}

export const MESSAGE_REVISIONS = Symbol('MessageRevisionRepository');
