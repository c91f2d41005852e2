import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Principal } from '@app/stomp-session';
import { RequestPrincipal } from './authentication.guard';
import { HttpDoor } from './http-door.decorator';
import { HTTP_TRANSPORT_OPTIONS, type HttpTransportOptions } from './http-transport-options';
import { LongPollService } from './long-poll.service';
import { optionalInteger } from './query-params';

/** `GET /api/rooms/{room}/poll?after=ID&timeout=SECONDS` */
@Controller('api/rooms')
@HttpDoor()
export class LongPollController {
  constructor(
    private readonly polls: LongPollService,
    @Inject(HTTP_TRANSPORT_OPTIONS) private readonly options: HttpTransportOptions,
  ) {}

  @Get(':room/poll')
  async poll(
    @Param('room') room: string,
    @Query('after') after: unknown,
    @Query('timeout') timeout: unknown,
    @Res() res: ServerResponse,
    @RequestPrincipal() principal: Principal | undefined,
  ): Promise<void> {
    const afterId = optionalInteger(after, 'after');
    const seconds = Math.min(
      optionalInteger(timeout, 'timeout') ?? this.options.pollDefaultTimeoutSec,
      this.options.pollMaxTimeoutSec,
    );
    await this.polls.poll(room, afterId, seconds, res, principal?.expiresAt);
  }
}
