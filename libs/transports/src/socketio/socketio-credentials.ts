import type { Socket } from 'socket.io';
import { bearerToken, type Credentials } from '@app/stomp-session';

type Handshake = Socket['handshake'];

function text(value: unknown): string | undefined {
  if (Array.isArray(value)) return text(value[0]);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function field(object: unknown, key: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  return Object.prototype.hasOwnProperty.call(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/**
 * What a Socket.IO client presents: the token as `auth.token` (the client's `auth` option, sent with its
 * CONNECT), `Authorization: Bearer` (Node clients' extraHeaders), or the query parameter `access_token`;
 * the name as `auth.login` or `?login=`, honoured only while no identity provider is configured, like a
 * STOMP CONNECT's `login`.
 */
export function handshakeCredentials(handshake: Pick<Handshake, 'auth' | 'query' | 'headers'>): Credentials {
  const token = text(field(handshake.auth, 'token')) ?? bearerToken(text(handshake.headers.authorization)) ?? text(handshake.query.access_token);
  const login = text(field(handshake.auth, 'login')) ?? text(handshake.query.login);
  return { ...(token !== undefined && { token }), ...(login !== undefined && { login }) };
}
