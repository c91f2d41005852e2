import { Injectable } from '@nestjs/common';
import {
  DestinationAuthorization, StompInterceptor, type DestinationAccessContext, type StompChannelInterceptor, type StompFrame,
} from '@app/stomp';
import type { SessionContext } from '@app/stomp-session';
import { RoomAccess, type RoomAction } from '../rooms/room-access';
import { CHAT_CONTROL_DESTINATION } from '../rooms/chat-control.bus';

/**
 * Room access on STOMP, as the broker library's destination rules (Spring Security's
 * `simpDestMatchers("/topic/rooms/{room}/**").access(...)`), deciding with the chat's RoomAccess, the same
 * rule REST, SSE, long polling and the plain WebSocket ask. A private room's topics, events and `/app`
 * destinations are refused to non-members: `{"error":"forbidden","message","destination"}` on
 * /user/queue/errors, and nothing is subscribed, handled or stored; a banned user is refused every one of
 * the room's destinations, a muted one its posts, with `banned` / `muted` instead. The nodes' control
 * channel is closed to clients both ways.
 */
@Injectable()
@StompInterceptor({ order: 5 })
export class RoomAccessInterceptor implements StompChannelInterceptor {
  private readonly rules: DestinationAuthorization;

  constructor(access: RoomAccess) {
    const may = (action: RoomAction) => ({
      check: ({ session, variables }: DestinationAccessContext) => {
        const refused = access.refusal(session.principal, variables.get('room')!, action);
        if (refused === undefined) return true;
        // A private room is plain `forbidden` here; a ban or a mute says so (`banned`, `muted`).
        return refused.code === 'not-found' ? false : refused;
      },
    });
    this.rules = new DestinationAuthorization([
      { destination: CHAT_CONTROL_DESTINATION, access: 'denyAll' },
      { commands: ['SEND'], destination: '/app/rooms/{room}', access: may('post') },
      { destination: '/app/rooms/{room}/**', access: may('read') },
      { commands: ['SUBSCRIBE'], destination: '/topic/rooms/{room}/**', access: may('read') },
    ]);
  }

  preSend(frame: StompFrame, session: SessionContext): void {
    this.rules.preSend(frame, session);
  }
}
