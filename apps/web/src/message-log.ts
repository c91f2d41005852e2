import type { ChatMessage } from './chat-message';

/**
 * The messages shown for one room, kept in id order with each id once. Messages can reach the page
 * twice (a POST answer and its broadcast, a replay after reconnecting) and, across those paths, out of
 * order; the log decides where each one goes and refuses repeats. It keeps each message as last seen, so
 * that a deletion (which names only the id) can still show who wrote what was deleted, and when.
 */
export class MessageLog {
  private readonly ids: number[] = [];
  private readonly byId = new Map<number, ChatMessage>();

  get size(): number {
    return this.ids.length;
  }

  /** The lowest id shown: where paging back continues. */
  get oldest(): number | undefined {
    return this.ids[0];
  }

  /** Returns the index to insert the message at, or undefined when it is already shown. */
  add(message: ChatMessage): number | undefined {
    const ids = this.ids;
    let lo = 0;
    let hi = ids.length;
    // The common case is a newer message at the end; binary search covers the rest.
    if (hi > 0 && ids[hi - 1] < message.id) lo = hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[mid] < message.id) lo = mid + 1;
      else hi = mid;
    }
    if (ids[lo] === message.id) return undefined;
    ids.splice(lo, 0, message.id);
    this.byId.set(message.id, message);
    return lo;
  }

  get(id: number): ChatMessage | undefined {
    return this.byId.get(id);
  }

  /**
   * Takes a newer state of a shown message (an edit, a tombstone); true when it changed what is shown. A
   * tombstone is final, so a late edit event cannot bring a deleted message back; of two edits the later
   * one stays, whichever order their answer and event arrive in (ISO times of one server compare as text).
   */
  update(message: ChatMessage): boolean {
    const shown = this.byId.get(message.id);
    if (!shown || shown.deleted) return false;
    if (!message.deleted && (message.editedAt ?? '') <= (shown.editedAt ?? '')) return false;
    this.byId.set(message.id, message);
    return true;
  }

  clear(): void {
    this.ids.length = 0;
    this.byId.clear();
  }
}

/** What a message looks like once deleted: CONTRACT's tombstone, from what was shown. */
export function tombstoneOf(message: ChatMessage): ChatMessage {
  return { id: message.id, room: message.room, from: message.from, sentAt: message.sentAt, time: message.time, deleted: true, text: '' };
}
