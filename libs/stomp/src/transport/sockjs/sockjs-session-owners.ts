import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { addressKey } from '../connection-limiter';

/** Spring's two HTTP session types: a receiving request must be of the kind that opened the session. */
export type SessionKind = 'polling' | 'streaming';

/** The receiving transports of SockJS over HTTP (and their method), each opening and serving one kind of session. */
export const RECEIVERS: ReadonlyMap<string, { method: string; kind: SessionKind }> = new Map([
  ['xhr', { method: 'POST', kind: 'polling' as const }],
  ['jsonp', { method: 'GET', kind: 'polling' as const }],
  ['xhr_streaming', { method: 'POST', kind: 'streaming' as const }],
  ['eventsource', { method: 'GET', kind: 'streaming' as const }],
  ['htmlfile', { method: 'GET', kind: 'streaming' as const }],
]);

/** The sending transports: they reach a session of either kind, and never open one. */
export const SENDERS: ReadonlySet<string> = new Set(['xhr_send', 'jsonp_send']);

/** The cookie that names who opened a session; its path is the session's own URL prefix. */
export const OWNER_COOKIE = 'sockjs_owner';

/** Server and session ids that can be a cookie path as they are (sockjs-client's are digits and letters). */
const COOKIE_PATH_SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

export interface SessionOwner {
  /** The id the client chose, as it appears in its URLs. */
  readonly id: string;
  /**
   * The id sockjs knows the session by: made here, so no client-chosen string is ever a key of its
   * table, and random, since that table is one for the whole process (every endpoint shares it).
   */
  readonly key: string;
  readonly kind: SessionKind;
  /** The client address of the opening request, as the per-address cap counts it. */
  readonly address: string;
  /** The owner cookie's value, or undefined when the session's URL cannot carry a cookie path. */
  readonly token: Buffer | undefined;
  /** True once a request of the session brought the cookie back: from then on it is required. */
  keepsCookies: boolean;
  /** Frees the session's slot under the per-address cap. */
  readonly release: () => void;
}

/**
 * Who opened each SockJS HTTP session (Spring's TransportHandlingSockJsService binds a session to its
 * principal, else its remote address, and to its transport type; this does the same with a cookie for
 * principal). The opening request gets an unguessable HttpOnly, SameSite cookie scoped to the session's
 * own URLs, so sessions never overwrite one another's. A later request of the session is its owner's when:
 *   - it carries that cookie (a different one is someone else), or carries none while the session has
 *     already shown it keeps cookies;
 *   - otherwise (clients without a cookie jar, such as sockjs-client in Node) it comes from the same
 *     client address;
 *   - and, for a receiving request, it is of the session's kind (polling or streaming).
 * Anything else is answered as if the session did not exist, as Spring does (404): a stranger who
 * learnt the id from a URL or a proxy log learns nothing more.
 *
 * Both tables are Maps keyed by the client's string, so an id such as `__proto__` or `constructor` is
 * an id like any other; sockjs' own table (a plain object) only ever sees keys made here.
 */
export class SockJsSessionOwners {
  private readonly byId = new Map<string, SessionOwner>();
  private readonly byKey = new Map<string, SessionOwner>();

  get size(): number {
    return this.byId.size;
  }

  find(id: string): SessionOwner | undefined {
    return this.byId.get(id);
  }

  findByKey(key: string): SessionOwner | undefined {
    return this.byKey.get(key);
  }

  /**
   * Records the session `id` opens and returns it with the Set-Cookie value for the opening response
   * (undefined when `server`/`id` cannot be a cookie path: that session is bound by address only).
   */
  open(
    id: string,
    server: string,
    kind: SessionKind,
    address: string,
    options: { prefix: string; secure: boolean; release: () => void },
  ): { owner: SessionOwner; cookie: string | undefined } {
    const cookiePath = COOKIE_PATH_SEGMENT.test(server) && COOKIE_PATH_SEGMENT.test(id) ? `${options.prefix}/${server}/${id}` : undefined;
    const token = cookiePath === undefined ? undefined : randomBytes(18);
    const owner: SessionOwner = {
      id,
      key: `k${randomBytes(12).toString('base64url')}`,
      kind,
      address: addressKey(address),
      token,
      keepsCookies: false,
      release: options.release,
    };
    this.byId.set(id, owner);
    this.byKey.set(owner.key, owner);
    const cookie = token === undefined
      ? undefined
      : `${OWNER_COOKIE}=${token.toString('base64url')}; Path=${cookiePath}; HttpOnly; SameSite=Strict${options.secure ? '; Secure' : ''}`;
    return { owner, cookie };
  }

  /** True when `req` (from `address`) may act on `owner`'s session; `kind` for a receiving request. */
  owns(owner: SessionOwner, req: IncomingMessage, address: string, kind: SessionKind | undefined): boolean {
    if (kind !== undefined && kind !== owner.kind) return false;
    const shown = ownerCookies(req.headers.cookie);
    if (shown.length > 0 && owner.token !== undefined) {
      if (!shown.some((value) => sameToken(value, owner.token!))) return false;
      owner.keepsCookies = true;
      return true;
    }
    if (owner.keepsCookies) return false;
    return addressKey(address) === owner.address;
  }

  /** Forgets a session (it ended, or never opened) and frees its slot; idempotent. */
  forget(owner: SessionOwner): void {
    if (this.byId.get(owner.id) === owner) this.byId.delete(owner.id);
    if (this.byKey.delete(owner.key)) owner.release();
  }
}

/** Every value of the owner cookie in a Cookie header (one per matching path, most specific first). */
function ownerCookies(header: string | undefined): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === OWNER_COOKIE) values.push(pair.slice(eq + 1).trim());
  }
  return values;
}

function sameToken(shown: string, token: Buffer): boolean {
  const bytes = Buffer.from(shown, 'base64url');
  return bytes.length === token.length && timingSafeEqual(bytes, token);
}
