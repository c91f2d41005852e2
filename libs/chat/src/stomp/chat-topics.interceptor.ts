import { Injectable } from '@nestjs/common';
import { StompClientError, StompInterceptor, type StompChannelInterceptor, type StompFrame } from '@app/stomp';
import { MESSAGES_FEED_DESTINATION } from '../chat-message.render';

const ROOM_TOPICS = '/topic/rooms/';

/**
 * Chat messages go through `/app` so that they are validated and stored once: a SEND straight to a chat
 * topic (`/topic/messages`, `/topic/rooms/**`) is refused (docs/destinations.md).
 */
@Injectable()
@StompInterceptor({ order: 10 })
export class ChatTopicsInterceptor implements StompChannelInterceptor {
  preSend(frame: StompFrame): void {
    if (frame.command !== 'SEND') return;
    const destination = frame.headers.get('destination') ?? '';
    if (destination === MESSAGES_FEED_DESTINATION || destination.startsWith(ROOM_TOPICS)) {
      throw new StompClientError(
        'forbidden-destination',
        'Chat messages go through /app (e.g. /app/rooms/{room}) so that they are validated and stored.',
      );
    }
  }
}
