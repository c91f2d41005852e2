import type { IncomingMessage } from 'node:http';
import { bearerToken, type Credentials } from '@app/stomp-session';

/**
 * What an HTTP request or WebSocket handshake presents: `Authorization: Bearer <jwt>`, or the query
 * parameter `access_token` for clients that cannot set headers (EventSource, browser WebSockets).
 */
export function requestCredentials(req: IncomingMessage): Credentials {
  const header = req.headers.authorization;
  const fromHeader = bearerToken(Array.isArray(header) ? header[0] : header);
  if (fromHeader) return { token: fromHeader };
  const fromQuery = queryToken(req.url);
  return fromQuery ? { token: fromQuery } : {};
}

function queryToken(url: string | undefined): string | undefined {
  if (!url || !url.includes('access_token=')) return undefined;
  try {
    return new URL(url, 'http://localhost').searchParams.get('access_token') || undefined;
  } catch {
    return undefined;
  }
}
