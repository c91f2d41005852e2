import { Inject, Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AUTHENTICATOR, AuthenticationError, type Authenticator, type Principal } from '@app/stomp-session';
import { HttpError } from './http-error';
import { requestCredentials } from './request-credentials';

/** The principal each guarded request was let in as (anonymous requests have none). */
const principals = new WeakMap<IncomingMessage, Principal>();

/**
 * The identity check of every HTTP door, run where Nest has resolved the route (so no spelling of a path
 * gets past it): the same Authenticator as STOMP CONNECT. A refused request is 401 `unauthorized`.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(@Inject(AUTHENTICATOR) private readonly authenticator: Authenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<IncomingMessage>();
    let principal: Principal | undefined;
    try {
      principal = await this.authenticator.authenticate(requestCredentials(req));
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      http.getResponse<ServerResponse>().setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'unauthorized', error.message);
    }
    if (principal) principals.set(req, principal);
    return true;
  }
}

/** The request's principal, for handlers of an @HttpDoor() controller. */
export const RequestPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined => principals.get(context.switchToHttp().getRequest<IncomingMessage>()),
);
