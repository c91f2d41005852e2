import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@app/stomp-session';
import { RequestPrincipal } from './authentication.guard';
import { HttpDoor } from './http-door.decorator';
import { HTTP_TRANSPORT_OPTIONS, type HttpTransportOptions } from './http-transport-options';
import { LongPollService } from './long-poll.service';
import { ApiErrors, arrayOf } from './openapi-docs';
import { optionalInteger } from './query-params';

/** `GET /api/rooms/{room}/poll?after=ID&timeout=SECONDS` */
@Controller('api/rooms')
@HttpDoor()
@ApiTags('long polling')
export class LongPollController {
  constructor(
    private readonly polls: LongPollService,
    @Inject(HTTP_TRANSPORT_OPTIONS) private readonly options: HttpTransportOptions,
  ) {}

  @Get(':room/poll')
  @ApiOperation({
    summary: 'Long polling: messages newer than `after`, at once or as soon as one arrives.',
    description: 'Held until a message arrives or `timeout` passes (then `[]`). Without `after`, only messages that arrive while the poll is held.',
  })
  @ApiQuery({ name: 'after', required: false, schema: { type: 'integer', minimum: 0 } })
  @ApiQuery({ name: 'timeout', required: false, description: 'Seconds.', schema: { type: 'integer', minimum: 0, maximum: 60, default: 25 } })
  @ApiOkResponse({ schema: arrayOf('StoredMessage') })
  @ApiErrors(400)
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
    await this.polls.poll(room, afterId, seconds, res, principal);
  }
}
