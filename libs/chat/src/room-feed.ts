import { Logger } from '@nestjs/common';
import type { BrokerMessage, BrokerPort, Subscriber } from '@app/messaging';
import { chatIdOf, roomDestination, roomMessage } from './chat-message.render';
import type { StoredMessage } from './chat-repository.port';

/** What a feed reads from the store (the ChatRepository fits). */
export interface RoomHistory {
  after(room: string, afterId: number, limit: number): Promise<StoredMessage[]>;
  latest(room: string, limit: number): Promise<StoredMessage[]>;
}

/** One local consumer of a room: gets each message once, in id order, with its id when it has one. */
export type FeedConsumer = (message: BrokerMessage, id: number | undefined) => void;

export interface FeedHandle {
  /** Resolves when the feed knows where it starts: from then on nothing stored in the room is missed. */
  readonly ready: Promise<void>;
  detach(): void;
}

export interface RoomFeedOptions {
  /** Stored messages read per query while recovering. */
  pageSize?: number;
  /** Live messages held while a recovery reads the store; past it they are dropped and read again. */
  maxBuffered?: number;
  /** Wait before a failed recovery (the database is away too) is tried again. */
  retryDelayMs?: number;
}

export interface RoomFeedStats {
  rooms: number;
  /** Recoveries run after the broker went live again (a relay reconnect, a first upstream confirmation). */
  recoveries: number;
  /** Messages delivered from the store by those recoveries: what the broker did not bring. */
  recovered: number;
}

/**
 * The node's one subscription per room with local subscribers (#12). Every local follower of
 * `/topic/rooms/{room}` (STOMP, SSE, long polling, plain WebSocket) is a consumer of the room's feed, so
 * the node knows the last id it delivered in each room. When the broker says the subscription is live
 * again (Subscriber.live: the relay reconnected and resubscribed, or first confirmed it), the feed holds
 * live messages back, reads what was stored after that id, delivers it, then the held messages, then
 * goes on live: in order, once, whatever the relay missed while it was away. One store query per room
 * per recovery, however many subscribers the room has on the node.
 *
 * Where a feed starts: the newest stored id at the moment it subscribed (`floor`), read right after the
 * broker subscription is made, used only when the feed has delivered nothing yet.
 */
export class RoomFeeds {
  private readonly feeds = new Map<string, RoomFeed>();
  readonly counters = { recoveries: 0, recovered: 0 };
  private readonly settings: Required<RoomFeedOptions>;
  private readonly logger = new Logger('RoomFeeds');

  constructor(
    private readonly broker: BrokerPort,
    private readonly history: RoomHistory,
    options: RoomFeedOptions = {},
  ) {
    this.settings = {
      pageSize: Math.max(1, options.pageSize ?? 500),
      maxBuffered: Math.max(1, options.maxBuffered ?? 10_000),
      retryDelayMs: options.retryDelayMs ?? 1_000,
    };
  }

  attach(room: string, consumer: FeedConsumer): FeedHandle {
    let feed = this.feeds.get(room);
    if (!feed) {
      feed = new RoomFeed(room, this.broker, this.history, this.settings, this.counters, this.logger);
      this.feeds.set(room, feed);
      feed.open();
    }
    const attached = feed;
    attached.consumers.add(consumer);
    let detached = false;
    return {
      ready: attached.ready,
      detach: () => {
        if (detached) return;
        detached = true;
        attached.consumers.delete(consumer);
        if (attached.consumers.size > 0 || this.feeds.get(room) !== attached) return;
        this.feeds.delete(room);
        attached.close();
      },
    };
  }

  stats(): RoomFeedStats {
    return { rooms: this.feeds.size, ...this.counters };
  }
}

const SUBSCRIPTION = 'feed';

class RoomFeed implements Subscriber {
  /** Not a client session: real session ids never contain ':'. */
  readonly sessionId: string;
  readonly consumers = new Set<FeedConsumer>();
  ready: Promise<void> = Promise.resolve();
  private lastId: number | undefined;
  private floor: number | undefined;
  /** Live messages held while the feed is not live yet or is recovering; undefined = passing straight on. */
  private held: BrokerMessage[] | undefined = [];
  private subscribing = false;
  private recovering = false;
  private again = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly room: string,
    private readonly broker: BrokerPort,
    private readonly history: RoomHistory,
    private readonly settings: Required<RoomFeedOptions>,
    private readonly counters: { recoveries: number; recovered: number },
    private readonly logger: Logger,
  ) {
    this.sessionId = `room-feed:${room}`;
  }

  open(): void {
    this.subscribing = true;
    try {
      this.broker.subscribe(this, SUBSCRIPTION, roomDestination(this.room));
    } finally {
      this.subscribing = false;
    }
    // Read after subscribing: whatever is stored later arrives live or is read by the first recovery.
    this.ready = this.readFloor();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.held = undefined;
    clearTimeout(this.retryTimer);
    this.broker.unsubscribe(this.sessionId, SUBSCRIPTION);
  }

  deliver(message: BrokerMessage): void {
    if (this.closed) return;
    if (!this.held) return this.pass(message, chatIdOf(message));
    if (this.held.push(message) > this.settings.maxBuffered) {
      // Everything held is in the store too: drop it and let the recovery read once more.
      this.held = [];
      this.again = true;
    }
  }

  live(): void {
    if (this.closed) return;
    if (this.subscribing) {
      // In effect inside subscribe() (the in-process broker): nothing was published meanwhile.
      this.release();
      return;
    }
    this.held ??= [];
    this.recover();
  }

  private async readFloor(): Promise<void> {
    try {
      const newest = await this.history.latest(this.room, 1);
      this.floor = newest.length > 0 ? newest[newest.length - 1].id : 0;
    } catch (error) {
      // Live delivery still works; a recovery tries the floor again.
      this.logger.warn(`room ${this.room}: reading where the feed starts failed: ${describe(error)}`);
    }
  }

  private recover(): void {
    if (this.recovering) {
      this.again = true;
      return;
    }
    this.recovering = true;
    void this.runRecovery();
  }

  private async runRecovery(): Promise<void> {
    this.counters.recoveries++;
    try {
      await this.ready;
      if (this.floor === undefined && this.lastId === undefined) await this.readFloor();
      do {
        this.again = false;
        let from = this.lastId ?? this.floor;
        if (from === undefined) throw new Error('the store did not say where the room stands');
        for (;;) {
          const page = await this.history.after(this.room, from, this.settings.pageSize);
          if (this.closed) return;
          for (const stored of page) {
            if (this.lastId === undefined || stored.id > this.lastId) this.counters.recovered++;
            this.pass(roomMessage(stored), stored.id);
          }
          if (page.length < this.settings.pageSize) break;
          from = page[page.length - 1].id;
        }
      } while (this.again && !this.closed);
      this.recovering = false;
      this.release();
    } catch (error) {
      this.recovering = false;
      if (this.closed) return;
      this.logger.warn(`room ${this.room}: recovering missed messages failed, retrying: ${describe(error)}`);
      this.retryTimer = setTimeout(() => this.recover(), this.settings.retryDelayMs);
      this.retryTimer.unref();
    }
  }

  /** Delivers what was held (the gate drops what the recovery already delivered) and goes live. */
  private release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const message of held) if (!this.closed) this.pass(message, chatIdOf(message));
  }

  /** The one gate: ids at or below the last one delivered are not delivered again. */
  private pass(message: BrokerMessage, id: number | undefined): void {
    if (id !== undefined) {
      if (this.lastId !== undefined && id <= this.lastId) return;
      this.lastId = id;
    }
    for (const consumer of this.consumers) {
      try {
        consumer(message, id);
      } catch (error) {
        this.logger.warn(`a follower of room ${this.room} failed: ${describe(error)}`);
      }
    }
  }
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0];
}
