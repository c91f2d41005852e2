import type { BrokerMessage, BrokerPort, Subscriber } from '@app/messaging';
import { chatIdOf, roomDestination, roomMessage } from './chat-message.render';
import type { StoredMessage } from './chat-repository.port';

/** Where replayed messages come from (the ChatRepository fits). */
export interface ReplaySource {
  after(room: string, afterId: number, limit: number): Promise<StoredMessage[]>;
}

export interface ReplayingSubscriberOptions {
  /** Stored messages read per query while catching up. */
  pageSize?: number;
  /** A failed read while catching up; the subscriber then goes live without the rest. */
  onError?: (error: unknown) => void;
  /** A throwing `deliver`; the default swallows it so one consumer cannot stop the others. */
  onDeliverError?: (error: unknown) => void;
}

let followers = 0;

/**
 * "Stored after N, then live": no gap, no duplicate, id order. Used by STOMP SUBSCRIBE with
 * `since-id`, SSE `Last-Event-ID` and long polling.
 *
 * It subscribes to the room's topic FIRST and buffers what arrives, then pages through the stored
 * messages with id > N, then drains the buffer, then passes live messages straight through. Every
 * message goes through one gate that drops ids at or below the last one delivered (the `chat-id`
 * header), which removes the overlap between the pages and the buffer and a message that was read
 * from the store before its own publish arrived.
 *
 * Within one process the chat service publishes in id order, so this order holds. (Across several
 * processes on one PostgreSQL, ids can commit out of order; the gate then drops a late lower id.)
 */
export class ReplayingSubscriber implements Subscriber {
  readonly sessionId = `replay-${++followers}`;
  private static readonly SUBSCRIPTION = 'replay';
  private buffer: BrokerMessage[] | undefined;
  private lastId: number;
  private stopped = false;
  private readonly pageSize: number;

  constructor(
    private readonly broker: BrokerPort,
    private readonly source: ReplaySource,
    readonly room: string,
    private readonly afterId: number | undefined,
    private readonly sink: (message: BrokerMessage) => void,
    private readonly options: ReplayingSubscriberOptions = {},
  ) {
    this.lastId = afterId ?? 0;
    this.pageSize = Math.max(1, options.pageSize ?? 500);
  }

  /** Subscribes and starts catching up; resolves when the catch-up is over and delivery is live. */
  start(): Promise<void> {
    if (this.afterId === undefined) {
      this.broker.subscribe(this, ReplayingSubscriber.SUBSCRIPTION, roomDestination(this.room));
      return Promise.resolve();
    }
    this.buffer = [];
    this.broker.subscribe(this, ReplayingSubscriber.SUBSCRIPTION, roomDestination(this.room));
    return this.catchUp();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.buffer = undefined;
    this.broker.unsubscribe(this.sessionId, ReplayingSubscriber.SUBSCRIPTION);
  }

  deliver(message: BrokerMessage): void {
    if (this.stopped) return;
    if (this.buffer) this.buffer.push(message);
    else this.pass(message);
  }

  private async catchUp(): Promise<void> {
    try {
      // With a relay the subscription goes live upstream a little later: read history only once it is.
      await this.broker.whenSubscribed?.();
      while (!this.stopped) {
        const page = await this.source.after(this.room, this.lastId, this.pageSize);
        for (const stored of page) if (!this.stopped) this.pass(roomMessage(stored));
        if (page.length < this.pageSize) break;
      }
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      const buffered = this.buffer ?? [];
      this.buffer = undefined;
      for (const message of buffered) if (!this.stopped) this.pass(message);
    }
  }

  private pass(message: BrokerMessage): void {
    const id = chatIdOf(message);
    if (id !== undefined) {
      if (id <= this.lastId) return;
      this.lastId = id;
    }
    try {
      this.sink(message);
    } catch (error) {
      this.options.onDeliverError?.(error);
    }
  }
}
