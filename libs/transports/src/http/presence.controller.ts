import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RoomPresence, validateRoom, type PresenceSnapshot } from '@app/chat';
import { HttpDoor } from './http-door.decorator';
import { ApiErrors, schemaRef } from './openapi-docs';

/** `GET /api/rooms/{room}/presence`: the same snapshot a STOMP SUBSCRIBE to /app/rooms/{room}/presence gets. */
@Controller('api/rooms')
@HttpDoor()
@ApiTags('rooms')
export class PresenceController {
  constructor(private readonly presence: RoomPresence) {}

  @Get(':room/presence')
  @ApiOperation({ summary: 'Who is in the room now: users, on every node and door.' })
  @ApiOkResponse({ schema: schemaRef('PresenceSnapshot') })
  @ApiErrors(400)
  snapshot(@Param('room') room: string): PresenceSnapshot {
    return this.presence.snapshot(validateRoom(room));
  }
}
