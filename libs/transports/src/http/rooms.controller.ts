import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CHAT_API, messageFields, renderStoredMessage, type ChatApi, type StoredMessageJson } from '@app/chat';
import { ChatMetrics, type TransportCounters } from '@app/observability';
import type { Principal } from '@app/stomp-session';
import { ChatRateLimitGuard } from './chat-rate-limit.guard';
import { RequestPrincipal } from './authentication.guard';
import { HttpDoor } from './http-door.decorator';
import { ApiErrors, arrayOf, schemaRef } from './openapi-docs';
import { optionalInteger } from './query-params';

export interface RoomSummaryJson {
  room: string;
  messages: number;
  lastMessageAt: string;
}

/** REST over the chat service: list rooms, read history (short polling), post a message. */
@Controller('api/rooms')
@HttpDoor()
@ApiTags('rooms')
export class RoomsController {
  private readonly counters: TransportCounters;

  constructor(
    @Inject(CHAT_API) private readonly chat: ChatApi,
    metrics: ChatMetrics,
  ) {
    this.counters = metrics.forDoor('rest');
  }

  @Get()
  @ApiOperation({ summary: 'Every room that has messages.' })
  @ApiOkResponse({ schema: arrayOf('RoomSummary') })
  async rooms(): Promise<RoomSummaryJson[]> {
    const rooms = await this.chat.rooms();
    return rooms.map((r) => ({ room: r.room, messages: r.messages, lastMessageAt: r.lastMessageAt.toISOString() }));
  }

  @Get(':room/messages')
  @ApiOperation({
    summary: 'Stored messages, oldest first (short polling).',
    description: 'With `after`, the oldest `limit` after it; with `before`, the `limit` just below it; alone, the latest `limit`. An unknown room is `[]`.',
  })
  @ApiQuery({ name: 'after', required: false, schema: { type: 'integer', minimum: 0 } })
  @ApiQuery({ name: 'before', required: false, schema: { type: 'integer', minimum: 0 } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } })
  @ApiOkResponse({ schema: arrayOf('StoredMessage') })
  @ApiErrors(400)
  async messages(
    @Param('room') room: string,
    @Query('after') after: unknown,
    @Query('before') before: unknown,
    @Query('limit') limit: unknown,
  ): Promise<StoredMessageJson[]> {
    const query = {
      after: optionalInteger(after, 'after'),
      before: optionalInteger(before, 'before'),
      limit: optionalInteger(limit, 'limit', 1),
    };
    const messages = await this.chat.messages(room, query);
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
  @ApiErrors(400, 413, 415, 429, 503)
  async post(
    @Param('room') room: string,
    @Body() body: unknown,
    @Headers('client-message-id') clientMessageId: string | undefined,
    @RequestPrincipal() principal: Principal | undefined,
  ): Promise<StoredMessageJson> {
    this.counters.framesIn++;
    const { from, text } = messageFields(body);
    const stored = await this.chat.post({ room, from, text, ...(clientMessageId !== undefined && { clientMessageId }) }, principal?.name);
    this.counters.messagesIn++;
    return renderStoredMessage(stored);
  }
}
