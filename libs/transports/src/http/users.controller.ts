import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ClusterUserRegistry } from '@app/messaging';
import type { Principal } from '@app/stomp-session';
import { RequestPrincipal } from './authentication.guard';
import { HttpDoor } from './http-door.decorator';
import { HttpError } from './http-error';
import { schemaRef } from './openapi-docs';

/** Operations on a user wherever they are connected (moderation). */
@Controller('api/users')
@HttpDoor()
@ApiTags('moderation')
export class UsersController {
  constructor(private readonly users: ClusterUserRegistry) {}

  /** Admin only: ends every session of the user on every node and door (STOMP, SockJS, SSE, plain WebSocket). */
  @Post(':user/disconnect')
  @HttpCode(204)
  @ApiOperation({ summary: 'Admin: end every session of the user on every node and door.' })
  @ApiNoContentResponse({ description: 'Every session of the user is being ended.' })
  @ApiResponse({ status: 403, description: 'The caller is not an admin (`forbidden`), or the origin is not admitted (`forbidden-origin`).', schema: schemaRef('ErrorBody') })
  disconnect(@Param('user') user: string, @RequestPrincipal() principal: Principal | undefined): void {
    if (!principal?.roles.includes('admin')) throw new HttpError(403, 'forbidden', 'Only an admin may disconnect a user.');
    this.users.disconnect(user, `disconnected by ${principal.name}`);
  }
}
