import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown } from '@nestjs/common';
import { BROKER, type BrokerMessage, type BrokerPort } from '@app/messaging';
import type { ChatApi, HistoryQuery, PostInput, RoomFollow } from './chat-api.port';
import { ChatError } from './chat-error';
import { MESSAGES_FEED_ROOM, messagesFeedMessage, publishedRoomMessage } from './chat-message.render';
import { CHAT_REPOSITORY, type ChatRepository, type RoomSummary, type StoredMessage } from './chat-repository.port';
import { MessageWriter, type CommittedWrite, type MessageWriterOptions, type MessageWriterStats } from './message.writer';
import { validatePost, validateRoom } from './post-message.dto';
import { ReplayingSubscriber } from './replaying.subscriber';
import { RoomFeeds, type RoomFeedStats } from './room-feed';

export const DEFAULT_HISTORY_LIMIT = 50;
export const MAX_HISTORY_LIMIT = 500;

export interface ChatOptions {
  writer?: MessageWriterOptions;
  /** Stored messages read per query when a follower catches up. */
  replayPageSize?: number;
}

/** Optional Nest token for ChatOptions. */
export const CHAT_OPTIONS = Symbol('ChatOptions');

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

  constructor(
    @Inject(CHAT_REPOSITORY) private readonly repository: ChatRepository,
    @Inject(BROKER) private readonly broker: BrokerPort,
    @Optional() @Inject(CHAT_OPTIONS) options: ChatOptions | null = null,
  ) {
    this.writer = new MessageWriter<Route>(repository, (batch) => this.publish(batch), options?.writer);
    this.replayPageSize = options?.replayPageSize ?? 500;
    this.feeds = new RoomFeeds(broker, repository, { pageSize: this.replayPageSize });
  }

  /** Resolves with the stored message (the earlier one for a client-message-id retry) once durable. */
  async post(input: PostInput, principal?: string): Promise<StoredMessage> {
    return this.store(input.room, input, principal, 'room');
  }

  /** SEND /app/chat: stored in room `messages`, published to /topic/rooms/messages and /topic/messages. */
  async postChat(input: ChatInput, principal?: string): Promise<StoredMessage> {
    return this.store(MESSAGES_FEED_ROOM, input, principal, 'room+feed');
  }

  /**
   * Oldest first. With `after`: the oldest `limit` after it (and below `before` if given too); with
   * `before`: the `limit` just below it; else the latest `limit`. An unknown room is [].
   */
  async messages(room: string, query: HistoryQuery = {}): Promise<StoredMessage[]> {
    validateRoom(room);
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

  follow(room: string, afterId: number | undefined, deliver: (message: BrokerMessage) => void): () => void {
    return this.followRoom(room, afterId, deliver).stop;
  }

  followRoom(room: string, afterId: number | undefined, deliver: (message: BrokerMessage) => void): RoomFollow {
    const subscriber = this.replaying(room, afterId, deliver);
    void subscriber.start();
    return { stop: () => subscriber.stop(), ready: subscriber.ready };
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

  private async store(room: unknown, input: ChatInput, principal: string | undefined, route: Route): Promise<StoredMessage> {
    const post = validatePost({
      room,
      from: principal ?? input.from,
      text: input.text,
      clientMessageId: input.clientMessageId,
    });
    const result = await this.writer.write({ ...post, sentAt: new Date() }, route);
    return result.message;
  }

  private publish(batch: CommittedWrite<Route>[]): void {
    for (const { result, context } of batch) {
      if (result.duplicate) continue;
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
