import type { BrokerMessage } from '@app/messaging';
import { chatIdOf, roomMessage } from './chat-message.render';
import type { StoredMessage } from './chat-repository.port';
import type { FeedHandle, RoomFeeds } from './room-feed';

/** Where replayed messages come from (the ChatRepository fits). */
export interface ReplaySource {
  after(room: string, afterId: number, limit: number): Promise<StoredMessage[]>;
}

export interface ReplayingSubscriberOptions {
  /** Stored messages read per query while catching up. */
  pageSize?: number;
  /**
   * A failed read while catching up (the database is away); the read is tried again after retryDelayMs,
   * live messages held meanwhile, so that a blip never becomes a gap.
   */
  onError?: (error: unknown) => void;
  retryDelayMs?: number;
  /** A throwing `deliver`; the default swallows it so one consumer cannot stop the others. */
  onDeliverError?: (error: unknown) => void;
}

const MAX_HELD = 10_000;

/**
 * "Stored after N, then live": no gap, no duplicate, id order. Used by STOMP SUBSCRIBE (with or without
 * `since-id`), SSE `Last-Event-ID`, long polling and the plain WebSocket.
 *
 * Live messages come from the node's feed of the room (RoomFeeds), which delivers each stored message
 * once and in the room's commit order, whichever node wrote it, and fills from the store what the broker
 * did not bring. Without a start id this is the feed itself. With one, it attaches FIRST and holds what
 * arrives, pages through the stored messages with id > N, then delivers what it held, then passes live
 * messages straight through; one gate drops ids at or below the last one delivered (the overlap between
 * the pages and what was held). Within a room ids grow in commit order (the store draws them under the
 * room's lock, #12), so that overlap is all the gate ever drops.
 */
export class ReplayingSubscriber {
  private held: BrokerMessage[] | undefined;
  private lastId: number;
  private stopped = false;
  private readonly pageSize: number;
  private handle: FeedHandle | undefined;
  private overflowed = false;
  private readonly retryDelayMs: number;

  constructor(
    private readonly feeds: RoomFeeds,
    private readonly source: ReplaySource,
    readonly room: string,
    private readonly afterId: number | undefined,
    private readonly sink: (message: BrokerMessage) => void,
    private readonly options: ReplayingSubscriberOptions = {},
  ) {
    this.lastId = afterId ?? 0;
    this.pageSize = Math.max(1, options.pageSize ?? 500);
    this.retryDelayMs = Math.max(0, options.retryDelayMs ?? 1_000);
  }

  /**
   * Resolves when nothing stored in the room from now on can be missed (for a SUBSCRIBE's RECEIPT);
   * undefined when that is so already.
   */
  get ready(): Promise<void> | undefined {
    return this.handle?.ready;
  }

  /** Attaches and starts catching up; resolves when the catch-up is over and delivery is live. */
  start(): Promise<void> {
    if (this.afterId === undefined) {
      this.handle = this.feeds.attach(this.room, (message) => this.hand(message));
      return Promise.resolve();
    }
    this.held = [];
    this.handle = this.feeds.attach(this.room, (message, id) => this.deliver(message, id));
    return this.catchUp();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.held = undefined;
    this.handle?.detach();
  }

  private deliver(message: BrokerMessage, id: number | undefined): void {
    if (this.stopped) return;
    if (!this.held) return this.pass(message, id);
    // Held messages are stored too: past the cap they are dropped, and the store is read once more for them.
    if (this.held.push(message) > MAX_HELD) {
      this.held = [];
      this.overflowed = true;
    }
  }

  private async catchUp(): Promise<void> {
    // Read history once the feed knows where it starts: what is stored after that reaches us through it.
    await this.ready;
    while (!this.stopped) {
      try {
        this.overflowed = false;
        for (;;) {
          const page = await this.source.after(this.room, this.lastId, this.pageSize);
          for (const stored of page) if (!this.stopped) this.pass(roomMessage(stored), stored.id);
          if (page.length < this.pageSize || this.stopped) break;
        }
        if (!this.overflowed) break;
      } catch (error) {
        this.options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
      }
    }
    const held = this.held ?? [];
    this.held = undefined;
    for (const message of held) if (!this.stopped) this.pass(message, chatIdOf(message));
  }

  private pass(message: BrokerMessage, id: number | undefined): void {
    if (id !== undefined) {
      if (id <= this.lastId) return;
      this.lastId = id;
    }
    this.hand(message);
  }

  private hand(message: BrokerMessage): void {
    if (this.stopped) return;
    try {
      this.sink(message);
    } catch (error) {
      this.options.onDeliverError?.(error);
    }
  }
}
