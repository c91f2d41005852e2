import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown } from '@nestjs/common';
import { BROKER, type BrokerMessage, type BrokerPort, type Subscriber } from '@app/messaging';
import type { ChatApi, FollowOptions, HistoryQuery, PostInput, RoomFollow } from './chat-api.port';
import { ChatError } from './chat-error';
import { MESSAGES_FEED_ROOM, messagesFeedMessage, publishedRoomMessage } from './chat-message.render';
import { CHAT_REPOSITORY, type ChatRepository, type RoomSummary, type StoredMessage } from './chat-repository.port';
import { CHAT_OPTIONS, type ChatOptions } from './chat-options';
import { MessageWriter, type CommittedWrite, type MessageWriterStats, type StoredBatch } from './message.writer';
import { validatePost, validateRoom } from './post-message.dto';
import { ReplayingSubscriber } from './replaying.subscriber';
import { RoomRates, type RoomRate } from './room-rates';
import { RoomFeeds, type RoomFeedStats } from './room-feed';
import { roomEventsDestination } from './events/room-events';
import { RoomAccess } from './rooms/room-access';
import { RoomDirectory } from './rooms/room-directory';
import type { Caller } from './rooms/room-records';
import { RoomWatchers } from './rooms/room-watchers';

export const DEFAULT_HISTORY_LIMIT = 50;
export const MAX_HISTORY_LIMIT = 500;

export { CHAT_OPTIONS, type ChatOptions } from './chat-options';

/** The body of SEND /app/chat. */
export interface ChatInput {
  from?: unknown;
  text: unknown;
  clientMessageId?: string;
}

/** Where a committed message is published: its room topic, and for /app/chat also /topic/messages. */
type Route = 'room' | 'room+feed';

/**
 * The one chat service behind every door. A post is validated, queued for group commit, stored,
 * published to `/topic/rooms/{room}` once (in id order, with its per-room seq for the room feeds of
 * every node) and only then acknowledged.
 *
 * SEND /app/chat is the seed's flow kept as a view of room `messages`: it is stored there like any
 * post (so it has an id, history and followers on /topic/rooms/messages) and additionally published
 * to /topic/messages in the seed's `{"from","text","time"}` shape.
 */
@Injectable()
export class ChatService implements ChatApi, BeforeApplicationShutdown {
  private readonly logger = new Logger('ChatService');
  private readonly writer: MessageWriter<Route>;
  private readonly replayPageSize: number;
  private readonly feeds: RoomFeeds;
  private eventFollowers = 0;
  private readonly rates = new RoomRates();

  /**
   * `access` and `watchers` are the rooms' policy (#13); a ChatService made by hand without them (tests,
   * benchmarks) knows no private room.
   */
  constructor(
    @Inject(CHAT_REPOSITORY) private readonly repository: ChatRepository,
    @Inject(BROKER) private readonly broker: BrokerPort,
    @Optional() @Inject(CHAT_OPTIONS) options: ChatOptions | null = null,
    private readonly access: RoomAccess = new RoomAccess(new RoomDirectory()),
    private readonly watchers: RoomWatchers = new RoomWatchers(access),
  ) {
    this.writer = new MessageWriter<Route>(repository, (batch) => this.publish(batch), options?.writer);
    this.replayPageSize = options?.replayPageSize ?? 500;
    this.feeds = new RoomFeeds(broker, repository, { pageSize: this.replayPageSize });
  }

  /**
   * Resolves with the stored message (the earlier one for a client-message-id retry) once durable. A
   * private room takes posts from its members only (`not-found` for anyone else: nothing is stored).
   */
  async post(input: PostInput, principal?: string | Caller): Promise<StoredMessage> {
    return this.store(input.room, input, callerOf(principal), 'room');
  }

  /** SEND /app/chat: stored in room `messages`, published to /topic/rooms/messages and /topic/messages. */
  async postChat(input: ChatInput, principal?: string | Caller): Promise<StoredMessage> {
    return this.store(MESSAGES_FEED_ROOM, input, callerOf(principal), 'room+feed');
  }

  /**
   * Oldest first. With `after`: the oldest `limit` after it (and below `before` if given too); with
   * `before`: the `limit` just below it; else the latest `limit`. An unknown room is []; a private one
   * `not-found` for anyone but its members.
   */
  async messages(room: string, query: HistoryQuery = {}, caller?: Caller): Promise<StoredMessage[]> {
    validateRoom(room);
    this.access.require(caller, room, 'read');
    const limit = historyLimit(query.limit);
    const after = idOrUndefined(query.after);
    const before = idOrUndefined(query.before);
    if (after !== undefined) {
      const found = await this.repository.after(room, after, limit);
      return before === undefined ? found : found.filter((m) => m.id < before);
    }
    if (before !== undefined) return this.repository.before(room, before, limit);
    return this.repository.latest(room, limit);
  }

  rooms(): Promise<RoomSummary[]> {
    return this.repository.rooms();
  }

  assertCanRead(room: string, caller?: Caller): void {
    this.access.require(caller, validateRoom(room), 'read');
  }

  follow(room: string, afterId: number | undefined, deliver: (message: BrokerMessage) => void, options?: FollowOptions): () => void {
    return this.followRoom(room, afterId, deliver, options).stop;
  }

  /**
   * The caller must be allowed to read the room (throws the refusal, a ChatError, before anything is
   * followed); the follow ends by itself, with `onRevoked`, when that stops being so.
   */
  followRoom(room: string, afterId: number | undefined, deliver: (message: BrokerMessage) => void, options: FollowOptions = {}): RoomFollow {
    validateRoom(room);
    this.access.require(options.caller, room, 'read');
    const subscriber = this.replaying(room, afterId, deliver);
    const stop = this.watched(room, options, () => subscriber.stop());
    void subscriber.start();
    return { stop, ready: subscriber.ready };
  }

  /** The room's events (/topic/rooms/{room}/events), live only, under the same access rule as its messages. */
  followEvents(room: string, deliver: (message: BrokerMessage) => void, options: FollowOptions = {}): RoomFollow {
    validateRoom(room);
    this.access.require(options.caller, room, 'read');
    const destination = roomEventsDestination(room);
    // Not a client session: real session ids never contain ':'.
    const subscriber: Subscriber = {
      sessionId: `room-events:${++this.eventFollowers}`,
      deliver: (message) => {
        try {
          deliver(message);
        } catch (error) {
          this.logger.warn(`an events follower of room ${room} failed: ${String(error)}`);
        }
      },
    };
    this.broker.subscribe(subscriber, 'events', destination);
    const stop = this.watched(room, options, () => this.broker.unsubscribe(subscriber.sessionId, 'events'));
    return { stop, ready: this.broker.whenSubscribed?.(destination) ?? Promise.resolve() };
  }

  /** Like follow(), for callers that need to know when the catch-up is over (long polling, tests). */
  replaying(room: string, afterId: number | undefined, deliver: (message: BrokerMessage) => void): ReplayingSubscriber {
    validateRoom(room);
    const after = idOrUndefined(afterId);
    return new ReplayingSubscriber(this.feeds, this.repository, room, after, deliver, {
      pageSize: this.replayPageSize,
      onError: (error) => this.logger.warn(`catching up room ${room} failed, retrying: ${String(error)}`),
      onDeliverError: (error) => this.logger.warn(`a follower of room ${room} failed: ${String(error)}`),
    });
  }

  /** The rooms with the most messages stored by this node in the last minute (the admin view). */
  busiestRooms(n: number): RoomRate[] {
    return this.rates.top(n);
  }

  /** Each committed batch's size and timings, after it is published (for latency metrics). */
  onStoredBatch(listener: (batch: StoredBatch) => void): void {
    this.writer.onStoredBatch(listener);
  }

  writerStats(): MessageWriterStats {
    return this.writer.stats();
  }

  /** Rooms this node follows, and what it recovered from the store after relay outages. */
  feedStats(): RoomFeedStats {
    return this.feeds.stats();
  }

  /** SIGTERM: refuse new posts, commit and publish the queued ones before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.writer.close();
  }

  /** Registers the follow with RoomWatchers; the returned stop ends it once, whoever calls first. */
  private watched(room: string, options: FollowOptions, end: () => void): () => void {
    let stopped = false;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      unwatch();
      end();
    };
    const unwatch = this.watchers.watch(room, options.caller, (reason) => {
      stop();
      options.onRevoked?.(reason);
    });
    return stop;
  }

  private async store(room: unknown, input: ChatInput, caller: Caller | undefined, route: Route): Promise<StoredMessage> {
    this.access.require(caller, validateRoom(room), 'post');
    const post = validatePost({
      room,
      from: caller?.name ?? input.from,
      text: input.text,
      clientMessageId: input.clientMessageId,
    });
    const result = await this.writer.write({ ...post, sentAt: new Date() }, route);
    return result.message;
  }

  private publish(batch: CommittedWrite<Route>[]): void {
    for (const { result, context } of batch) {
      if (result.duplicate) continue;
      this.rates.record(result.message.room);
      this.send(publishedRoomMessage(result.message));
      if (context === 'room+feed') this.send(messagesFeedMessage(result.message));
    }
  }

  private send(message: BrokerMessage): void {
    try {
      this.broker.publish(message);
    } catch (error) {
      this.logger.error(`publishing to ${message.destination} failed: ${String(error)}`);
    }
  }
}

/** A principal's name alone (tests, the seed's flows) is a caller without roles. */
function callerOf(principal: string | Caller | undefined): Caller | undefined {
  return typeof principal === 'string' ? { name: principal, roles: [] } : principal;
}

function historyLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_HISTORY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new ChatError('invalid-query');
  return Math.min(limit, MAX_HISTORY_LIMIT);
}

function idOrUndefined(id: number | undefined): number | undefined {
  if (id === undefined) return undefined;
  if (!Number.isSafeInteger(id) || id < 0) throw new ChatError('invalid-query');
  return id;
}
