import { Inject, Injectable } from '@nestjs/common';
import type { StompHeaders } from '@app/stomp-codec';
import type { BrokerMessage } from '@app/messaging';
import { MessageRouter } from '@app/message-routing';
import type { AppSubscription, ClientError, SessionContext, StompApplication } from '@app/stomp-session';
import { CHAT_API, type ChatApi, type FollowOptions, type RoomFollow } from '../chat-api.port';
import { isChatError } from '../chat-error';
import { ROOM_PATTERN } from '../post-message.dto';
import { followRefusal } from '../rooms/room-access';

const ROOM_TOPIC = '/topic/rooms/';
const EVENTS = '/events';
/** Refusals of room access: a STOMP client is told `forbidden` for the destination, whatever HTTP would say. */
const ACCESS_REFUSALS: ReadonlySet<string> = new Set(['not-found', 'forbidden']);

/**
 * The chat's answer to every STOMP session: `/app` to the message router, and room subscriptions
 * served by the chat service's feeds (replay with `since-id`, recovery after relay outages). Chat topics are closed to direct SENDs by
 * ChatTopicsInterceptor; identity is the AUTHENTICATOR's, as on every other door.
 */
@Injectable()
export class ChatStompApplication implements StompApplication {
  constructor(
    private readonly router: MessageRouter,
    @Inject(CHAT_API) private readonly chat: ChatApi,
  ) {}

  handleSend(ctx: SessionContext, destination: string, headers: StompHeaders, body: Buffer): Promise<boolean> {
    return this.router.dispatchSend(ctx, destination, headers, body);
  }

  handleSubscribe(ctx: SessionContext, subscriptionId: string, destination: string, headers: StompHeaders): Promise<boolean> {
    return this.router.dispatchSubscribe(ctx, subscriptionId, destination, headers);
  }

  /**
   * Every subscription to a room topic is the chat's (a follower of the room's feed): so it gets what a
   * relay outage made the broker miss (#12), and `since-id` replays what came before. The room's events
   * topic is the chat's too. Both follow for the session's principal: when it may no longer read the room
   * (removed from it, the room made private, banned), delivery stops and the session is told `forbidden`
   * (or `banned`) for the destination (#13). A name that is no room is left to the broker (nothing is ever published there),
   * as is every other destination.
   */
  openSubscription(
    ctx: SessionContext,
    subscriptionId: string,
    destination: string,
    headers: StompHeaders,
    deliver: (message: BrokerMessage) => void,
  ): AppSubscription | undefined {
    if (!destination.startsWith(ROOM_TOPIC)) return undefined;
    const name = destination.slice(ROOM_TOPIC.length);
    const options: FollowOptions = {
      caller: ctx.principal,
      onRevoked: (reason) => {
        const error: ClientError = { ...followRefusal(reason, destination), destination };
        if (ctx.endSubscription) ctx.endSubscription(subscriptionId, error);
        else this.reportError(ctx, error);
      },
    };
    if (name.endsWith(EVENTS) && ROOM_PATTERN.test(name.slice(0, -EVENTS.length))) {
      return this.refusingAccess(destination, () => this.chat.followEvents(name.slice(0, -EVENTS.length), deliver, options));
    }
    const since = headers.get('since-id');
    if (since === undefined) {
      return ROOM_PATTERN.test(name) ? this.refusingAccess(destination, () => this.chat.followRoom(name, undefined, deliver, options)) : undefined;
    }
    if (!/^\d{1,15}$/.test(since)) {
      throw { error: 'invalid-since-id', message: 'since-id must be a non-negative whole number.' } satisfies ClientError;
    }
    return this.refusingAccess(destination, () => this.chat.followRoom(name, Number(since), deliver, options));
  }

  /** A ChatError as the ClientError the session reports; an access refusal is `forbidden` with the destination. */
  private refusingAccess(destination: string, follow: () => RoomFollow): RoomFollow {
    try {
      return follow();
    } catch (error) {
      if (!isChatError(error)) throw error;
      if (ACCESS_REFUSALS.has(error.code)) {
        throw { error: 'forbidden', message: `You may not subscribe to ${destination}.`, destination } satisfies ClientError;
      }
      throw { error: error.code, message: error.message } satisfies ClientError;
    }
  }

  reportError(ctx: SessionContext, error: ClientError & { receiptId?: string }): void {
    this.router.reportError(ctx, error);
  }
}
