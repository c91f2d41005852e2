import { Body, Controller, Delete, Get, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReadMarkers, RoomsService, objectBody, renderMember, renderReadMarker } from '@app/chat';
import type { Principal } from '@app/stomp-session';
import { RequestPrincipal } from './authentication.guard';
import { ChatRateLimitGuard } from './chat-rate-limit.guard';
import { HttpDoor } from './http-door.decorator';
import { ApiErrors, arrayOf, schemaRef } from './openapi-docs';

/** A room's members and read markers (CONTRACT "Rooms, membership and moderation", "Room events"). */
@Controller('api/rooms')
@HttpDoor()
@ApiTags('rooms')
export class RoomMembersController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly reads: ReadMarkers,
  ) {}

  @Get(':room/members')
  @ApiOperation({ summary: 'The room\'s members: for its members (anyone for a public room).' })
  @ApiOkResponse({ schema: arrayOf('Member') })
  @ApiErrors(400, 404)
  async members(@Param('room') room: string, @RequestPrincipal() principal: Principal | undefined) {
    return (await this.rooms.members(room, principal)).map(renderMember);
  }

  @Put(':room/members/:user')
  @UseGuards(ChatRateLimitGuard)
  @HttpCode(204)
  @ApiOperation({ summary: 'Add a member: the owner, a moderator or an admin; anyone for themselves in a public room.' })
  @ApiNoContentResponse({ description: 'A member (already, or now).' })
  @ApiErrors(400, 401, 404, 429)
  async add(@Param('room') room: string, @Param('user') user: string, @RequestPrincipal() principal: Principal | undefined): Promise<void> {
    await this.rooms.addMember(room, user, principal);
  }

  @Delete(':room/members/:user')
  @UseGuards(ChatRateLimitGuard)
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member: the user themselves, the owner, a moderator or an admin; their live subscriptions to the room end.' })
  @ApiNoContentResponse({ description: 'Not a member (any more).' })
  @ApiErrors(400, 401, 404, 429)
  async remove(@Param('room') room: string, @Param('user') user: string, @RequestPrincipal() principal: Principal | undefined): Promise<void> {
    await this.rooms.removeMember(room, user, principal);
  }

  @Get(':room/read')
  @ApiOperation({ summary: 'The read markers of the room\'s members.' })
  @ApiOkResponse({ schema: arrayOf('ReadMarker') })
  @ApiErrors(400, 404)
  async readMarkers(@Param('room') room: string, @RequestPrincipal() principal: Principal | undefined) {
    return (await this.reads.list(room, principal)).map(renderReadMarker);
  }

  @Put(':room/read')
  @UseGuards(ChatRateLimitGuard)
  @ApiOperation({
    summary: 'Move the caller\'s read marker forward.',
    description: 'Only ever forward: a lower `lastReadId` changes nothing and the answer is the marker as it stands. Room event `{"type":"read","room","user","lastReadId"}` when it moved.',
  })
  @ApiBody({ schema: schemaRef('ReadMarkerPut') })
  @ApiOkResponse({ description: 'The caller\'s marker as stored.', schema: schemaRef('ReadMarker') })
  @ApiErrors(400, 401, 404, 413, 415, 429)
  async markRead(@Param('room') room: string, @Body() body: unknown, @RequestPrincipal() principal: Principal | undefined) {
    return renderReadMarker(await this.reads.mark(room, objectBody(body).lastReadId, principal));
  }
}
