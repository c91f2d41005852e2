import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { AppConfig } from '@app/config';
import type { StompHeaders } from '@app/stomp-codec';
import { AuthenticationError, type Principal } from '@app/stomp-session';

const NAME = /^[^\u0000-\u001f\u007f]{1,64}$/u;

/**
 * Who a CONNECT says it is. Without AUTH_TOKEN_SECRET, `login` names the user (anonymous without it).
 * With it, the CONNECT must carry an HS256 JWT (`passcode`, or `Authorization: Bearer`) and its `sub`
 * is the user, whatever `login` or any message body says.
 */
@Injectable()
export class TokenAuthenticator {
  private readonly secret?: string;

  constructor(config: AppConfig) {
    this.secret = config.AUTH_TOKEN_SECRET;
  }

  get tokensRequired(): boolean {
    return this.secret !== undefined;
  }

  async authenticate(headers: StompHeaders): Promise<Principal | undefined> {
    if (!this.secret) {
      const login = headers.get('login');
      if (login === undefined || login === '') return undefined;
      if (!NAME.test(login)) throw new AuthenticationError('invalid login: 1 to 64 characters, no control characters');
      return { name: login };
    }
    return { name: this.verify(tokenOf(headers)) };
  }

  /** The user a bearer token names (for HTTP doors too). Throws AuthenticationError. */
  verify(token: string | undefined): string {
    if (!this.secret) throw new AuthenticationError('tokens are not enabled');
    if (!token) throw new AuthenticationError('missing token: send a JWT as passcode or Authorization: Bearer');
    let claims: string | jwt.JwtPayload;
    try {
      claims = jwt.verify(token, this.secret, { algorithms: ['HS256'] });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new AuthenticationError('token expired');
      throw new AuthenticationError('invalid token');
    }
    const sub = typeof claims === 'object' ? claims.sub : undefined;
    if (typeof sub !== 'string' || !NAME.test(sub)) throw new AuthenticationError('invalid token: sub must name the user');
    return sub;
  }
}

function tokenOf(headers: StompHeaders): string | undefined {
  const passcode = headers.get('passcode');
  if (passcode) return passcode;
  const authorization = headers.get('Authorization') ?? headers.get('authorization');
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return match?.[1];
}
