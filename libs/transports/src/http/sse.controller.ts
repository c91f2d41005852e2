import { Controller, Get, Headers, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CHAT_API, RoomPresence, validateRoom, type ChatApi, type FollowOptions, type RoomFollow } from '@app/chat';
import { ChatMetrics } from '@app/observability';
import { onPrincipalExpiry, type Principal } from '@app/stomp-session';
import { ClusterUserRegistry } from '@app/messaging';
import { ConnectionCap } from '../connection-cap';
import { RequestPrincipal } from './authentication.guard';
import { HttpDoor } from './http-door.decorator';
import { ApiErrors } from './openapi-docs';
import { optionalInteger } from './query-params';
import { SseHub } from './sse-hub';

/**
 * `GET /sse/rooms/{room}`: the room as Server-Sent Events. `Last-Event-ID` (header, or `?lastEventId=`
 * for a first connection that resumes) replays what was missed, then the stream goes live; without it,
 * live only. Both come from one chat.follow, which promises no gap and no duplicate between them. The
 * room's events (read markers, edits, deletions, presence, typing) come on the same stream as
 * `event: <type>`, never with an `id:` line, so Last-Event-ID keeps meaning the message id.
 *
 * The chat decides who may follow: a private room is 404 to non-members before anything is streamed, and
 * the stream ends when its caller may no longer read the room, or when the token it was opened with
 * expires. Each open stream holds one of its client's MAX_CONNECTIONS_PER_IP slots (429 past it).
 */
@Controller('sse/rooms')
@HttpDoor()
@ApiTags('server-sent events')
export class SseController {
  constructor(
    @Inject(CHAT_API) private readonly chat: ChatApi,
    private readonly hub: SseHub,
    private readonly metrics: ChatMetrics,
    private readonly users: ClusterUserRegistry,
    private readonly presence: RoomPresence,
    private readonly cap: ConnectionCap,
  ) {}

  @Get(':room')
  @ApiOperation({
    summary: 'The room as Server-Sent Events.',
    description: 'First `retry:`, then for each message `id:` (the message id), `event: message` and `data:` (the stored message as JSON); a comment line at least every 15 s. `Last-Event-ID` replays what came after it first. Room events come as `event: read|edit|delete` with their JSON, never with an `id:` line. A private room is 404 to non-members; the stream ends when its caller leaves the room.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The last message id seen: what came after it is replayed first.' })
  @ApiQuery({ name: 'lastEventId', required: false, description: 'The same, for a first connection (EventSource cannot set headers).', schema: { type: 'integer', minimum: 0 } })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An endless event stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiErrors(400, 404)
  open(
    @Param('room') room: string,
    @Headers('last-event-id') lastEventHeader: string | undefined,
    @Query('lastEventId') lastEventQuery: unknown,
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
    @RequestPrincipal() principal: Principal | undefined,
  ): void {
    validateRoom(room);
    const header = lastEventHeader?.trim();
    const after = optionalInteger(header ? header : lastEventQuery, 'Last-Event-ID');
    const release = this.cap.holdOrRefuse(req);
    const stream = this.hub.create(res);
    const options: FollowOptions = { caller: principal, onRevoked: () => stream.end() };
    const follows: RoomFollow[] = [];
    try {
      follows.push(this.chat.followRoom(room, after, (message) => stream.deliver(message), options));
      follows.push(this.chat.followEvents(room, (message) => stream.deliver(message), options));
    } catch (err) {
      for (const follow of follows) follow.stop();
      stream.end();
      release();
      throw err;
    }
    this.metrics.forDoor('sse').subscriptions++;
    const cancelExpiry = onPrincipalExpiry(principal, () => stream.end());
    const cancelDisconnect = principal ? this.users.whenDisconnected(principal.name, () => stream.end()) : () => undefined;
    const leave = principal ? this.presence.enter(room, principal.name) : () => undefined;
    stream.open(() => {
      this.metrics.forDoor('sse').subscriptions--;
      cancelExpiry();
      cancelDisconnect();
      leave();
      for (const follow of follows) follow.stop();
      release();
    });
  }
}
