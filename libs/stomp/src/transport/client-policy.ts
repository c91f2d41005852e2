import type { IncomingMessage } from 'node:http';

/**
 * The application's rules for who a request comes from and what one client may hold open. The library
 * has no per-address policy of its own: without one, a client is its socket's peer and nothing is capped.
 */
export interface ClientPolicy {
  /** The client's address: the socket's peer or, behind a proxy the application trusts, the one it forwarded. */
  address(req: IncomingMessage): string;
  /**
   * A slot for one more long-lived thing `req` opens (a SockJS session), to be released when it ends;
   * undefined when the client is at its cap (the request is refused with 429).
   */
  admit(req: IncomingMessage): (() => void) | undefined;
}

export const OPEN_CLIENT_POLICY: ClientPolicy = {
  address: (req) => req.socket.remoteAddress ?? '',
  admit: () => () => undefined,
};
