import type { StompHeaders } from '@app/stomp-codec';

/** Who is on the other end of a session or request. Anonymous clients have no principal. */
export interface Principal {
  readonly name: string;
  /** From the token's `roles` claim (e.g. `moderator`, `admin`); empty for anonymous names. */
  readonly roles: readonly string[];
  /** When the token stops being valid (ms since the epoch); the door ends the session then. */
  readonly expiresAt?: number;
}

/** What a client presents, whichever door it came through. */
export interface Credentials {
  /** A bearer token (STOMP passcode or Authorization; HTTP Authorization or `access_token`). */
  token?: string;
  /** A self-chosen name (STOMP `login`), honoured only while no identity provider is configured. */
  login?: string;
}

/**
 * The one identity rule behind every door: STOMP CONNECT, REST, SSE, long polling, the plain WebSocket.
 * Resolves the principal (undefined = anonymous); rejects with AuthenticationError to refuse.
 */
export interface Authenticator {
  authenticate(credentials: Credentials): Promise<Principal | undefined>;
}

export const AUTHENTICATOR = Symbol('Authenticator');

/** A refusal of the credentials: the door answers (ERROR frame, 401) with this message and lets nobody in. */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token of an `Authorization: Bearer <jwt>` value, if it is one. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization ? BEARER.exec(authorization)?.[1] : undefined;
}

/** What a STOMP CONNECT presents: `passcode` or `Authorization: Bearer` as the token, `login` as the name. */
export function connectCredentials(headers: StompHeaders): Credentials {
  const token = headers.get('passcode') || bearerToken(headers.get('Authorization') ?? headers.get('authorization'));
  const login = headers.get('login');
  return { ...(token && { token }), ...(login !== undefined && { login }) };
}
