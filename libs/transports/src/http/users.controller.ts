import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ClusterUserRegistry } from '@app/messaging';
import type { Principal } from '@app/stomp-session';
import { RequestPrincipal } from './authentication.guard';
import { HttpDoor } from './http-door.decorator';
import { HttpError } from './http-error';

/** Operations on a user wherever they are connected (CONTRACT: moderation). */
@Controller('api/users')
@HttpDoor()
export class UsersController {
  constructor(private readonly users: ClusterUserRegistry) {}

  /** Admin only: ends every session of the user on every node and door (STOMP, SockJS, SSE, plain WebSocket). */
  @Post(':user/disconnect')
  @HttpCode(204)
  disconnect(@Param('user') user: string, @RequestPrincipal() principal: Principal | undefined): void {
    if (!principal?.roles.includes('admin')) throw new HttpError(403, 'forbidden', 'Only an admin may disconnect a user.');
    this.users.disconnect(user, `disconnected by ${principal.name}`);
  }
}
