import type { IncomingMessage } from 'node:http';

export type AllowedOrigins = '*' | ReadonlySet<string>;

/**
 * The one origin rule for every door (REST, SSE, long polling, /ws/chat, STOMP's /chat, SockJS):
 * a request without `Origin` is not a browser's cross-site request and passes; one with it passes when
 * it is the server's own origin (scheme + the Host header the browser sent), is listed in
 * ALLOWED_ORIGINS (see `allowedOrigins()` in @app/config), or the list is `*`.
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: AllowedOrigins,
): boolean {
  if (origin === undefined) return true;
  if (allowed === '*') return true;
  const normalized = normalizeOrigin(origin);
  if (host) {
    const own = host.trim().toLowerCase();
    // Behind a TLS-terminating proxy the page is https while Host is unchanged: both are "our" origin.
    if (normalized === `http://${own}` || normalized === `https://${own}`) return true;
  }
  for (const entry of allowed) if (normalizeOrigin(entry) === normalized) return true;
  return false;
}

/** `isOriginAllowed` for a Node request (HTTP or WebSocket handshake). */
export function requestOriginAllowed(req: IncomingMessage, allowed: AllowedOrigins): boolean {
  const origin = req.headers.origin;
  return isOriginAllowed(Array.isArray(origin) ? origin[0] : origin, req.headers.host, allowed);
}

function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}
