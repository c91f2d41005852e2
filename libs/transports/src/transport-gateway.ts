import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { StompEndpointServer } from '@app/stomp';
import { ConnectionCap, TOO_MANY_CONNECTIONS, tcpSocketOf } from './connection-cap';
import { sendError } from './http/send-error';
import { SOCKET_IO_PATH, SocketIoTransport } from './socketio/socketio.transport';
import { RELEASE_NOTHING, pathOf, reject, type ConnectionLimiter } from '@app/stomp-transport';

/** The STOMP endpoint (StompBrokerModule's options name it; this is the chat's). */
export const STOMP_PATH = '/chat';

type RequestHook = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** A refused socket gets this long to send the request it is answered on, then it is cut. */
const REFUSED_SOCKET_GRACE_MS = 5_000;

/**
 * Every socket door of the server on one HTTP server: STOMP over ws at /chat, SockJS under /chat/...,
 * Socket.IO at /socket.io/ (its polling requests and its upgrades), and Nest gateways (the plain chat
 * socket at /ws/chat), whose paths RoutedWsAdapter adds to the same upgrade router. Holds every upgrade
 * against the per-address cap before the router sees it.
 */
@Injectable()
export class TransportGateway implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Transports');
  /** MAX_CONNECTIONS_PER_IP over every door of the server (ConnectionCap's). */
  readonly connections: ConnectionLimiter;
  private readonly overCap = new WeakSet<Socket>();
  private lastRefusalLog = 0;
  private server?: Server;

  constructor(
    /** The library's STOMP endpoints (/chat, with SockJS); this gateway adds the chat's other socket door. */
    readonly endpoints: StompEndpointServer,
    private readonly cap: ConnectionCap,
    private readonly socketIo: SocketIoTransport,
  ) {
    this.connections = cap.limiter;
    // SockJS sessions outlive the requests that carry them: the library asks the same cap for each.
    endpoints.useClientPolicy(cap.clientPolicy);
    endpoints.router.route(SOCKET_IO_PATH, socketIo.handleUpgrade);
  }

  /**
   * Counts the server's connections per address, takes its upgrades, and returns the HTTP hook that
   * must run ahead of every other route: it refuses sockets past the per-address cap (429) and lets
   * SockJS and Socket.IO answer their own URLs. (Chat-message rate limits apply where routes resolve: ChatRateLimitGuard.)
   */
  attach(server: Server): RequestHook {
    this.server = server;
    server.on('connection', (socket: Socket) => {
      if (this.cap.admitSocket(socket)) return;
      this.overCap.add(socket);
      this.logRefusal(socket.remoteAddress);
      setTimeout(() => socket.destroy(), REFUSED_SOCKET_GRACE_MS).unref();
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // An upgraded socket is held by its client (behind a proxy, the one it names) until it closes.
      const release = this.overCap.has(tcpSocketOf(req.socket)) ? undefined : this.cap.hold(req);
      if (release) {
        if (release !== RELEASE_NOTHING) socket.once('close', release);
        return this.endpoints.router.dispatch(req, socket, head);
      }
      socket.on('error', () => socket.destroy());
      reject(socket, 429, 'Too Many Requests');
    });
    const sockjs = this.endpoints.middleware();
    return (req, res, next) => {
      if (this.overCap.has(tcpSocketOf(req.socket))) return sendError(res, 429, { ...TOO_MANY_CONNECTIONS }, true);
      if (pathOf(req.url) === SOCKET_IO_PATH) return this.socketIo.handleRequest(req, res);
      sockjs(req, res, next);
    };
  }

  private logRefusal(address: string | undefined): void {
    const now = Date.now();
    if (now - this.lastRefusalLog < 10_000) return;
    this.lastRefusalLog = now;
    this.logger.warn(`refusing connections from ${address ?? 'unknown'}: over MAX_CONNECTIONS_PER_IP=${this.connections.maxPerAddress} (${this.connections.refused} refused so far)`);
  }

  /** SIGTERM: refuse new connections; the endpoint server tells every STOMP client (ERROR frame). */
  beforeApplicationShutdown(): void {
    this.server?.close();
  }
}

