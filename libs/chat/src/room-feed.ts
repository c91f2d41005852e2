import { Logger } from '@nestjs/common';
import type { BrokerMessage, BrokerPort, Subscriber } from '@app/messaging';
import { chatIdOf, chatSeqOf, roomDestination, roomMessage, withoutSeq } from './chat-message.render';
import type { StoredMessage } from './chat-repository.port';

/** What a feed reads from the store (the ChatRepository fits). */
export interface RoomHistory {
  afterSeq(room: string, afterSeq: number, limit: number): Promise<StoredMessage[]>;
  lastSeq(room: string): Promise<number>;
}

/** One local consumer of a room: gets each message once, in order, with its id when it has one. */
export type FeedConsumer = (message: BrokerMessage, id: number | undefined) => void;

export interface FeedHandle {
  /**
   * Resolves when the feed knows where it starts: from then on nothing stored in the room is missed.
   * Undefined when that is so already.
   */
  readonly ready: Promise<void> | undefined;
  detach(): void;
}

export interface RoomFeedOptions {
  /** Stored messages read per query while filling. */
  pageSize?: number;
  /** Messages held for their turn; past it they are dropped and read from the store instead. */
  maxBuffered?: number;
  /** Wait before a failed fill (the database is away too) is tried again. */
  retryDelayMs?: number;
  /** How long a message waits for a missing predecessor to arrive live before the store is asked for it. */
  gapWaitMs?: number;
}

export interface RoomFeedStats {
  rooms: number;
  /** Fills run because the broker went live again (a relay reconnect, a first upstream confirmation). */
  recoveries: number;
  /** Fills run because a predecessor had not arrived within gapWaitMs. */
  gapFills: number;
  /** Messages delivered from the store by fills: what the broker had not brought. */
  recovered: number;
  /** Messages the broker brought before their turn, held until their predecessors came (or were read). */
  held: number;
}

type FillReason = 'recoveries' | 'gapFills';
type FeedCounters = Omit<RoomFeedStats, 'rooms'>;

/**
 * The node's one subscription per room with local subscribers (#12). Every local follower of
 * `/topic/rooms/{room}` (STOMP, SSE, long polling, plain WebSocket) is a consumer of the room's feed.
 *
 * One rule for order, whatever brings a message: the feed hands its consumers the room's messages in
 * `seq` order (the per-room number the store gives under the room's lock, so commit order), each once.
 * A message whose turn has not come is held; the store fills what is missing ("fill": read what is
 * stored after the last seq handed on, in order, then go on with what was held) when
 *   - the broker says the subscription is live (Subscriber.live: the relay first confirmed it, or
 *     reconnected after an outage, so anything may be missing), or
 *   - a held message's predecessor has not arrived within gapWaitMs: writers on other nodes commit
 *     and publish concurrently, so their messages reach this node out of order, and almost always
 *     the missing one is a few milliseconds behind; when it is not, the store has it.
 * Whatever the store returns is the truth up to its newest row: a row with seq s is committed only after
 * every lower seq of its room, so one read after seeing s finds them all.
 *
 * Where a feed starts: with the in-process broker (in effect inside subscribe()), at the first message
 * it brings; with a relay, at the room's newest seq when it subscribed (`floor`, read right after the
 * broker subscription is made), from where the first fill reads.
 */
export class RoomFeeds {
  private readonly feeds = new Map<string, RoomFeed>();
  readonly counters: FeedCounters = { recoveries: 0, gapFills: 0, recovered: 0, held: 0 };
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
      gapWaitMs: Math.max(0, options.gapWaitMs ?? 150),
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
      ready: attached.started ? undefined : attached.ready,
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
  /** True once nothing stored from now on can be missed (the broker is in effect, or the floor is known). */
  started = false;
  /** The seq last handed to the consumers. */
  private lastSeq: number | undefined;
  private floor: number | undefined;
  /** The broker has said the subscription is live at least once. */
  private confirmed = false;
  /** Messages that came before their turn, by seq. */
  private readonly ahead = new Map<number, BrokerMessage>();
  private subscribing = false;
  /** A fill is running or waiting to be retried: messages out of turn wait for it. */
  private filling = false;
  private again = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private gapTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly room: string,
    private readonly broker: BrokerPort,
    private readonly history: RoomHistory,
    private readonly settings: Required<RoomFeedOptions>,
    private readonly counters: FeedCounters,
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
    // Read after subscribing: whatever is stored later arrives live or is read by the first fill.
    this.ready = this.readFloor();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ahead.clear();
    clearTimeout(this.retryTimer);
    clearTimeout(this.gapTimer);
    this.broker.unsubscribe(this.sessionId, SUBSCRIPTION);
  }

  deliver(message: BrokerMessage): void {
    if (this.closed) return;
    const seq = chatSeqOf(message);
    // Not a stored chat message (nothing publishes such a thing to a room topic): nothing to order it by.
    if (seq === undefined) return this.hand(message, chatIdOf(message));
    this.take(seq, message, false);
  }

  live(): void {
    if (this.closed) return;
    this.confirmed = true;
    if (this.subscribing) {
      // In effect inside subscribe() (the in-process broker): nothing was published meanwhile.
      this.started = true;
      return;
    }
    this.fill('recoveries');
  }

  /**
   * The one gate every message passes, live or read from the store: late ones (at or below the last seq
   * handed on) are dropped, the next one is handed on with whatever was held behind it, and one that
   * is early is held. A stored one is never early: the store has no row the gate must wait for.
   */
  private take(seq: number, message: BrokerMessage, stored: boolean): void {
    if (this.lastSeq === undefined && this.confirmed && !this.filling) {
      // The in-process broker (live inside subscribe(), so no fill) hands messages over in commit order
      // from the moment it subscribed: the first one is where the feed starts, whatever the floor says.
      this.lastSeq = seq - 1;
    }
    if (this.lastSeq !== undefined && seq <= this.lastSeq) return;
    if (this.lastSeq !== undefined && (seq === this.lastSeq + 1 || stored)) {
      this.pass(seq, message);
      this.handAhead();
      return;
    }
    if (!this.ahead.has(seq)) this.counters.held++;
    this.hold(seq, message);
  }

  private hold(seq: number, message: BrokerMessage): void {
    this.ahead.set(seq, message);
    if (this.ahead.size > this.settings.maxBuffered) {
      // Everything held is in the store too: drop it and read it from there.
      this.ahead.clear();
      if (this.filling) this.again = true;
      else if (this.confirmed) this.fill('gapFills');
      return;
    }
    this.armGapTimer();
  }

  /**
   * A held message waits gapWaitMs for its predecessor; then the store is asked. (Not unref'd: a pending
   * fill is work to finish; close() clears it.)
   */
  private armGapTimer(): void {
    if (!this.confirmed || this.filling || this.gapTimer !== undefined) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      if (this.ahead.size > 0 && !this.closed) this.fill('gapFills');
    }, this.settings.gapWaitMs);
  }

  /** Hands on the held messages whose turn has come. */
  private handAhead(): void {
    let next: BrokerMessage | undefined;
    while (this.lastSeq !== undefined && (next = this.ahead.get(this.lastSeq + 1)) !== undefined) {
      this.ahead.delete(this.lastSeq + 1);
      this.pass(this.lastSeq + 1, next);
    }
    if (this.ahead.size === 0 && this.gapTimer !== undefined) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    }
  }

  private async readFloor(): Promise<void> {
    try {
      this.floor = await this.history.lastSeq(this.room);
      this.started = true;
    } catch (error) {
      // Live delivery still works; a fill tries the floor again.
      this.logger.warn(`room ${this.room}: reading where the feed starts failed: ${describe(error)}`);
    }
  }

  private fill(reason: FillReason): void {
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = true;
    void this.runFill(reason);
  }

  private async runFill(reason: FillReason): Promise<void> {
    this.counters[reason]++;
    try {
      await this.ready;
      if (this.floor === undefined && this.lastSeq === undefined) await this.readFloor();
      do {
        this.again = false;
        this.lastSeq ??= this.floor;
        if (this.lastSeq === undefined) throw new Error('the store did not say where the room stands');
        for (;;) {
          const page = await this.history.afterSeq(this.room, this.lastSeq, this.settings.pageSize);
          if (this.closed) return;
          for (const stored of page) {
            if (stored.seq <= this.lastSeq) continue;
            if (!this.ahead.delete(stored.seq)) this.counters.recovered++;
            this.take(stored.seq, roomMessage(stored), true);
          }
          if (page.length < this.settings.pageSize) break;
        }
      } while (this.again && !this.closed);
      this.filling = false;
      for (const seq of this.ahead.keys()) if (seq <= this.lastSeq) this.ahead.delete(seq);
      this.handAhead();
      // Held messages still out of turn came after the last read: give their predecessors a while again.
      if (this.ahead.size > 0) this.armGapTimer();
    } catch (error) {
      if (this.closed) return;
      // Still filling: out-of-turn messages keep waiting for the store rather than jump a gap.
      this.logger.warn(`room ${this.room}: reading missed messages failed, retrying: ${describe(error)}`);
      this.retryTimer = setTimeout(() => {
        this.filling = false;
        this.fill(reason);
      }, this.settings.retryDelayMs);
      this.retryTimer.unref();
    }
  }

  private pass(seq: number, message: BrokerMessage): void {
    this.lastSeq = seq;
    this.hand(withoutSeq(message), chatIdOf(message));
  }

  private hand(message: BrokerMessage, id: number | undefined): void {
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
