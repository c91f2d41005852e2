import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  CHAT_API, MessageRevisions, RoomsService, messageFields, objectBody, renderRoom, renderStoredMessage,
  type ChatApi, type RoomJson, type StoredMessageJson,
} from '@app/chat';
import { ChatMetrics, type TransportCounters } from '@app/observability';
import type { Principal } from '@app/stomp-session';
import { ChatRateLimitGuard } from './chat-rate-limit.guard';
import { RequestPrincipal } from './authentication.guard';
import { HttpDoor } from './http-door.decorator';
import { ApiErrors, arrayOf, schemaRef } from './openapi-docs';
import { optionalInteger } from './query-params';

/**
 * REST over the chat service: rooms (list, create), history (short polling), post, edit and delete a
 * message. Every call hands the request's principal to the chat, whose RoomAccess decides (a private room
 * is `not-found` to anyone but its members).
 */
@Controller('api/rooms')
@HttpDoor()
@ApiTags('rooms')
export class RoomsController {
  private readonly counters: TransportCounters;

  constructor(
    @Inject(CHAT_API) private readonly chat: ChatApi,
    private readonly rooms: RoomsService,
    private readonly revisions: MessageRevisions,
    metrics: ChatMetrics,
  ) {
    this.counters = metrics.forDoor('rest');
  }

  @Get()
  @ApiOperation({
    summary: 'The rooms the caller may see.',
    description: 'Public rooms, and the private ones the caller is a member of, by name. `unread` (messages after the caller\'s read marker not sent by them) only for a signed-in caller.',
  })
  @ApiOkResponse({ schema: arrayOf('Room') })
  async list(@RequestPrincipal() principal: Principal | undefined): Promise<RoomJson[]> {
    return (await this.rooms.list(principal)).map(renderRoom);
  }

  @Post()
  @UseGuards(ChatRateLimitGuard)
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a room (public by default); the creator is its first member and its owner.' })
  @ApiBody({ schema: schemaRef('RoomCreate') })
  @ApiCreatedResponse({ description: 'The room.', schema: schemaRef('Room') })
  @ApiErrors(400, 401, 409, 413, 415, 429)
  async create(@Body() body: unknown, @RequestPrincipal() principal: Principal | undefined): Promise<RoomJson> {
    return renderRoom(await this.rooms.create(body, principal));
  }

  @Get(':room/messages')
  @ApiOperation({
    summary: 'Stored messages, oldest first (short polling).',
    description: 'With `after`, the oldest `limit` after it; with `before`, the `limit` just below it; alone, the latest `limit`. An unknown room is `[]`; a private room is 404 to non-members. Edited messages carry `editedAt`, deleted ones are tombstones.',
  })
  @ApiQuery({ name: 'after', required: false, schema: { type: 'integer', minimum: 0 } })
  @ApiQuery({ name: 'before', required: false, schema: { type: 'integer', minimum: 0 } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } })
  @ApiOkResponse({ schema: arrayOf('StoredMessage') })
  @ApiErrors(400, 404)
  async messages(
    @Param('room') room: string,
    @Query('after') after: unknown,
    @Query('before') before: unknown,
    @Query('limit') limit: unknown,
    @RequestPrincipal() principal: Principal | undefined,
  ): Promise<StoredMessageJson[]> {
    const query = {
      after: optionalInteger(after, 'after'),
      before: optionalInteger(before, 'before'),
      limit: optionalInteger(limit, 'limit', 1),
    };
    const messages = await this.chat.messages(room, query, principal);
    return messages.map(renderStoredMessage);
  }

  /**
   * `{from, text}` → 201 with the stored message; a signed-in sender's `from` is its token's `sub`.
   * Header `client-message-id` makes a retry safe.
   */
  @Post(':room/messages')
  @UseGuards(ChatRateLimitGuard)
  @HttpCode(201)
  @ApiOperation({ summary: 'Post a message: stored, then delivered on every door.' })
  @ApiBody({ schema: schemaRef('RoomPost') })
  @ApiHeader({ name: 'client-message-id', required: false, description: 'Up to 64 characters: a retry with the same id from the same sender in the same room is stored once.' })
  @ApiCreatedResponse({ description: 'The stored message.', schema: schemaRef('StoredMessage') })
  @ApiErrors(400, 404, 413, 415, 429, 503)
  async post(
    @Param('room') room: string,
    @Body() body: unknown,
    @Headers('client-message-id') clientMessageId: string | undefined,
    @RequestPrincipal() principal: Principal | undefined,
  ): Promise<StoredMessageJson> {
    this.counters.framesIn++;
    const { from, text } = messageFields(body);
    const stored = await this.chat.post({ room, from, text, ...(clientMessageId !== undefined && { clientMessageId }) }, principal);
    this.counters.messagesIn++;
    return renderStoredMessage(stored);
  }

  @Patch(':room/messages/:id')
  @UseGuards(ChatRateLimitGuard)
  @ApiOperation({
    summary: 'Edit a message: its author, within EDIT_WINDOW_SEC.',
    description: 'The stored message gains `editedAt`; room event `{"type":"edit","message"}`. Refusals: `not-author`, `edit-window-passed` (403), `unknown-message` (404), `message-deleted` (409).',
  })
  @ApiBody({ schema: schemaRef('MessageEdit') })
  @ApiOkResponse({ description: 'The message as stored now.', schema: schemaRef('StoredMessage') })
  @ApiErrors(400, 401, 404, 409, 413, 415, 429)
  async edit(
    @Param('room') room: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @RequestPrincipal() principal: Principal | undefined,
  ): Promise<StoredMessageJson> {
    return renderStoredMessage(await this.revisions.edit(room, id, objectBody(body).text, principal));
  }

  @Delete(':room/messages/:id')
  @UseGuards(ChatRateLimitGuard)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a message: its author, a moderator or an admin.',
    description: 'The message becomes a tombstone (`deleted: true`, `text: ""`); room event `{"type":"delete","room","id","deletedBy","at"}`.',
  })
  @ApiNoContentResponse({ description: 'Deleted (or a tombstone already).' })
  @ApiErrors(400, 401, 404, 429)
  async delete(@Param('room') room: string, @Param('id') id: string, @RequestPrincipal() principal: Principal | undefined): Promise<void> {
    await this.revisions.delete(room, id, principal);
  }
}
