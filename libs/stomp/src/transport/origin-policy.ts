import type { IncomingMessage } from 'node:http';

/** `'*'`, or the origins allowed besides our own; `own` (PUBLIC_URL) pins our own origin. */
export type AllowedOrigins = '*' | (ReadonlySet<string> & { readonly own?: string });

/**
 * The one origin rule for every door (REST, SSE, long polling, /ws/chat, STOMP's /chat, SockJS):
 * a request without `Origin` is not a browser's cross-site request and passes; one with it passes when
 * it is the server's own origin, is listed in ALLOWED_ORIGINS (see `allowedOrigins()` in @app/config),
 * or the list is `*`. "Own" is PUBLIC_URL's origin when it is set (`allowed.own`, compared exactly, scheme
 * included): the Host header is the client's to choose, and a DNS-rebinding page chooses it. Without
 * PUBLIC_URL, "own" compares host and port with the Host header, through URL so that `example.com:80`
 * equals `http://example.com`; the scheme is not compared, since behind a TLS-terminating proxy the
 * server cannot know it.
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: AllowedOrigins,
): boolean {
  if (origin === undefined || allowed === '*') return true;
  const normalized = normalizeOrigin(origin);
  for (const entry of allowed) if (normalizeOrigin(entry) === normalized) return true;
  if (allowed.own !== undefined) return normalized === normalizeOrigin(allowed.own);
  if (!host) return false;
  try {
    const from = new URL(normalized);
    if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
    // Browsers send a serialized origin and nothing else: anything that is not exactly one is refused.
    if (from.origin !== normalized) return false;
    return from.host === new URL(`${from.protocol}//${host.trim().toLowerCase()}`).host;
  } catch {
    return false;
  }
}

/** `isOriginAllowed` for a Node request (HTTP or WebSocket handshake). */
export function requestOriginAllowed(req: IncomingMessage, allowed: AllowedOrigins): boolean {
  const origin = req.headers.origin;
  return isOriginAllowed(Array.isArray(origin) ? origin[0] : origin, req.headers.host, allowed);
}

function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}
