import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ConnectionLimiter, type ClientPolicy } from '@app/stomp-transport';
import { ClientAddress } from './client-address';
import { HttpError } from './http/http-error';

const noop = () => undefined;

/**
 * MAX_CONNECTIONS_PER_IP for every door, in one place: the sockets the server accepts, and what a
 * request holds open beyond its exchange (SockJS sessions, SSE streams, held polls, upgraded
 * sockets), each counted by the client's address (see ConnectionLimiter). A proxy named by TRUST_PROXY
 * carries every client's sockets, so its own are exempt and the clients it names are counted instead;
 * a request it forwards without naming anyone is exempt too.
 */
@Injectable()
export class ConnectionCap {
  readonly limiter: ConnectionLimiter;
  /** What the STOMP library's SockJS endpoints ask about the sessions they open. */
  readonly clientPolicy: ClientPolicy;

  constructor(
    config: AppConfig,
    private readonly addresses: ClientAddress,
  ) {
    this.limiter = new ConnectionLimiter(config.MAX_CONNECTIONS_PER_IP);
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
    return this.limiter.hold(address, req.socket as Socket);
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
