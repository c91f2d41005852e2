import type { ChatMessage } from './chat-message';

/**
 * The messages shown for one room, kept in id order with each id once. Messages can reach the page
 * twice (a POST answer and its broadcast, a replay after reconnecting) and, across those paths, out of
 * order; the log decides where each one goes and refuses repeats.
 */
export class MessageLog {
  private readonly ids: number[] = [];

  get size(): number {
    return this.ids.length;
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
    return lo;
  }

  clear(): void {
    this.ids.length = 0;
  }
}
