import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Moderation } from '@app/chat';
import type { Principal } from '@app/stomp-session';
import { RequestPrincipal } from './authentication.guard';
import { HttpDoor } from './http-door.decorator';
import { ApiErrors } from './openapi-docs';

/** Operations on a user wherever they are connected (moderation). */
@Controller('api/users')
@HttpDoor()
@ApiTags('moderation')
export class UsersController {
  constructor(private readonly moderation: Moderation) {}

  /** Admin only: ends every session of the user on every node and door (STOMP, SockJS, SSE, plain WebSocket, Socket.IO). */
  @Post(':user/disconnect')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Admin: end every session of the user on every node and door.',
    description: 'Kept in the audit trail. 403 `forbidden` without the `admin` role; 400 `invalid-user` for a name no user can have.',
  })
  @ApiNoContentResponse({ description: 'Every session of the user is being ended.' })
  @ApiErrors(400)
  async disconnect(@Param('user') user: string, @RequestPrincipal() principal: Principal | undefined): Promise<void> {
    await this.moderation.disconnect(user, principal);
  }
}
