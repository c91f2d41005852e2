import { Controller, Get, Param } from '@nestjs/common';
import { RoomPresence, validateRoom, type PresenceSnapshot } from '@app/chat';
import { HttpDoor } from './http-door.decorator';

/** `GET /api/rooms/{room}/presence`: the same snapshot a STOMP SUBSCRIBE to /app/rooms/{room}/presence gets. */
@Controller('api/rooms')
@HttpDoor()
export class PresenceController {
  constructor(private readonly presence: RoomPresence) {}

  @Get(':room/presence')
  snapshot(@Param('room') room: string): PresenceSnapshot {
    return this.presence.snapshot(validateRoom(room));
  }
}
