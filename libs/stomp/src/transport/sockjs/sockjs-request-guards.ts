import type { AllowedOrigins } from '../origin-policy';

/** `'*'`, or the origins allowed besides the server's own (the shape of config's allowedOrigins()). */
export type OriginPolicy = AllowedOrigins;

const CALLBACK = /^[a-zA-Z0-9_.]{1,32}$/;

/**
 * The JSONP / htmlfile callback, or undefined when it is missing, repeated or not a plain dotted
 * name. sockjs 0.3.24 checks `/[^a-zA-Z0-9-_.]/`, whose `9-_` is a range that lets `<`, `>`, `[`,
 * `\` and `]` through into a script (and htmlfile has no length cap): checked here first.
 */
export function callbackOf(search: URLSearchParams): string | undefined {
  const values = search.has('c') ? search.getAll('c') : search.getAll('callback');
  if (values.length !== 1) return undefined;
  return CALLBACK.test(values[0]) ? values[0] : undefined;
}

/**
 * What sockjs-protocol (and Spring) answer, with a 500, to a JSONP or htmlfile request whose callback
 * callbackOf() does not accept; undefined when it does. An empty one counts as missing, as in Spring.
 */
export function callbackRefusal(search: URLSearchParams): string | undefined {
  if (callbackOf(search) !== undefined) return undefined;
  const values = search.has('c') ? search.getAll('c') : search.getAll('callback');
  const missing = values.length === 0 || (values.length === 1 && values[0] === '');
  return missing ? '"callback" parameter required' : 'invalid "callback" parameter';
}

/** Path segments sockjs accepts for server and session ids (its dispatcher uses `[^/.]+`). */
const SEGMENT = '[^/.]+';

/** What a path under the prefix asks for. */
export type SockJsRoute =
  | { kind: 'base' }
  | { kind: 'client-script' }
  | { kind: 'iframe' }
  | { kind: 'raw-websocket' }
  | { kind: 'session'; server: string; session: string; transport: string }
  | { kind: 'other' };

export function routeOf(path: string, prefix: string): SockJsRoute | undefined {
  if (path !== prefix && !path.startsWith(`${prefix}/`)) return undefined;
  const rest = path.slice(prefix.length).replace(/\/$/, '');
  if (rest === '') return { kind: 'base' };
  if (rest === CLIENT_SCRIPT_PATH) return { kind: 'client-script' };
  if (rest === '/websocket') return { kind: 'raw-websocket' };
  if (/^\/iframe[0-9-.a-z_]*\.html$/.test(rest)) return { kind: 'iframe' };
  const match = new RegExp(`^/(${SEGMENT})/(${SEGMENT})/(${SEGMENT})$`).exec(rest);
  if (match) return { kind: 'session', server: match[1], session: match[2], transport: match[3] };
  return { kind: 'other' };
}

/** Where, under the prefix, this server hands out its own copy of sockjs-client. */
export const CLIENT_SCRIPT_PATH = '/sockjs.min.js';

/** Splits `req.url` into path and query without trusting it to be well formed. */
export function parseUrl(url: string | undefined): { path: string; search: URLSearchParams } {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  let search: URLSearchParams;
  try {
    search = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));
  } catch {
    search = new URLSearchParams();
  }
  return { path, search };
}

/**
 * Who may frame `iframe.html`. The page's sockjs-client relays for whatever parent posts to it, so
 * a page that may frame it may use the endpoint with the server's own origin: the iframe
 * transports would walk around the Origin check. Only the allowed origins may frame it.
 */
export function framingHeaders(policy: OriginPolicy): Record<string, string> {
  if (policy === '*') return {};
  const ancestors = ["'self'", ...policy].join(' ');
  const headers: Record<string, string> = { 'Content-Security-Policy': `frame-ancestors ${ancestors}` };
  if (policy.size === 0) headers['X-Frame-Options'] = 'SAMEORIGIN';
  return headers;
}
