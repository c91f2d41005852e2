import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Injectable } from '@nestjs/common';
import { ConnectionLimiter, type ClientPolicy } from '@app/stomp-transport';
import { ClientAddress } from './client-address';
import { HttpError } from './http/http-error';

const noop = () => undefined;

/**
 * MAX_CONNECTIONS_PER_IP for every door, in one place: the sockets the server accepts, and what a
 * request holds open beyond its exchange (SockJS sessions, SSE streams, held polls, upgraded
 * sockets), each counted by the client's address (see ConnectionLimiter). A proxy named by TRUST_PROXY
 * carries every client's sockets, so its own are exempt and the clients it names are counted instead;
 * a request it forwards without naming anyone is exempt too. The count itself is the STOMP library's
 * ConnectionLimiter (StompBrokerModule's maxConnectionsPerAddress), which its TCP and TLS doors take
 * their slots from too, so those and HTTP(S) are one cap.
 */
@Injectable()
export class ConnectionCap {
  /** What the STOMP library's SockJS endpoints ask about the sessions they open. */
  readonly clientPolicy: ClientPolicy;

  constructor(
    readonly limiter: ConnectionLimiter,
    private readonly addresses: ClientAddress,
  ) {
    this.clientPolicy = { address: (req) => this.addresses.of(req), admit: (req) => this.hold(req) };
  }

  /** Counts a new socket; false when its address is at the cap. */
  admitSocket(socket: Socket): boolean {
    return this.addresses.trusts(socket.remoteAddress) || this.limiter.admit(socket);
  }

  /** A slot for what `req` opens, until the returned release; undefined when its client is at the cap. */
  hold(req: IncomingMessage): (() => void) | undefined {
    const address = this.addresses.of(req);
    if (this.addresses.trusts(address)) return noop;
    return this.limiter.hold(address, tcpSocketOf(req.socket));
  }

  /** `hold()`, or the 429 an HTTP door answers when there is no slot. */
  holdOrRefuse(req: IncomingMessage): () => void {
    const release = this.hold(req);
    if (!release) throw new HttpError(429, TOO_MANY_CONNECTIONS.error, TOO_MANY_CONNECTIONS.message);
    return release;
  }
}

export const TOO_MANY_CONNECTIONS = {
  error: 'too-many-connections',
  message: 'This address holds too many open connections; close some and retry.',
} as const;

/**
 * The TCP socket a request arrived on. Sockets are counted as they arrive ('connection'), which on an
 * HTTPS server is the raw socket, before its handshake; the request's own socket is then the TLS socket
 * over it, which Node links to the raw one as `_parent` (it has no public name).
 */
export function tcpSocketOf(socket: Socket): Socket {
  return (socket as Socket & { _parent?: Socket })._parent ?? socket;
}
