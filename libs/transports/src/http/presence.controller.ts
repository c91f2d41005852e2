import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CHAT_API, RoomPresence, type ChatApi, type PresenceSnapshot } from '@app/chat';
import type { Principal } from '@app/stomp-session';
import { RequestPrincipal } from './authentication.guard';
import { HttpDoor } from './http-door.decorator';
import { ApiErrors, schemaRef } from './openapi-docs';

/** `GET /api/rooms/{room}/presence`: the same snapshot a STOMP SUBSCRIBE to /app/rooms/{room}/presence gets. */
@Controller('api/rooms')
@HttpDoor()
@ApiTags('rooms')
export class PresenceController {
  constructor(
    @Inject(CHAT_API) private readonly chat: ChatApi,
    private readonly presence: RoomPresence,
  ) {}

  @Get(':room/presence')
  @ApiOperation({ summary: 'Who is in the room now: users, on every node and door.' })
  @ApiOkResponse({ schema: schemaRef('PresenceSnapshot') })
  @ApiErrors(400, 404)
  snapshot(@Param('room') room: string, @RequestPrincipal() principal: Principal | undefined): PresenceSnapshot {
    // Who is in a private room is as private as what is said there (#13).
    this.chat.assertCanRead(room, principal);
    return this.presence.snapshot(room);
  }
}
