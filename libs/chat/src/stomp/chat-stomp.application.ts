import { Inject, Injectable } from '@nestjs/common';
import type { StompHeaders } from '@app/stomp-codec';
import type { BrokerMessage } from '@app/messaging';
import { MessageRouter } from '@app/message-routing';
import type { AppSubscription, ClientError, SessionContext, StompApplication } from '@app/stomp-session';
import { CHAT_API, type ChatApi } from '../chat-api.port';
import { isChatError } from '../chat-error';
import { ROOM_PATTERN } from '../post-message.dto';

const ROOM_TOPIC = '/topic/rooms/';

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
   * relay outage made the broker miss (#12), and `since-id` replays what came before. A name that is no
   * room is left to the broker (nothing is ever published there), as is every other destination.
   */
  openSubscription(
    _ctx: SessionContext,
    _subscriptionId: string,
    destination: string,
    headers: StompHeaders,
    deliver: (message: BrokerMessage) => void,
  ): AppSubscription | undefined {
    if (!destination.startsWith(ROOM_TOPIC)) return undefined;
    const room = destination.slice(ROOM_TOPIC.length);
    const since = headers.get('since-id');
    if (since === undefined) return ROOM_PATTERN.test(room) ? this.chat.followRoom(room, undefined, deliver) : undefined;
    if (!/^\d{1,15}$/.test(since)) {
      throw { error: 'invalid-since-id', message: 'since-id must be a non-negative whole number.' } satisfies ClientError;
    }
    try {
      return this.chat.followRoom(room, Number(since), deliver);
    } catch (error) {
      if (isChatError(error)) throw { error: error.code, message: error.message } satisfies ClientError;
      throw error;
    }
  }

  reportError(ctx: SessionContext, error: ClientError & { receiptId?: string }): void {
    this.router.reportError(ctx, error);
  }
}
