import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { Server as Engine, type Socket as EngineSocket } from 'engine.io';
import { Server, type Socket } from 'socket.io';
import { CHAT_API, ReadMarkers, RoomPresence, RoomTyping, type ChatApi } from '@app/chat';
import { AppConfig, allowedOrigins } from '@app/config';
import { ClusterUserRegistry } from '@app/messaging';
import { ChatMetrics } from '@app/observability';
import { AUTHENTICATOR, AuthenticationError, type Authenticator, type Principal } from '@app/stomp-session';
import { reject, requestOriginAllowed, type AllowedOrigins } from '@app/stomp-transport';
import { ClientAddress } from '../client-address';
import { ConnectionCap, TOO_MANY_CONNECTIONS } from '../connection-cap';
import { OriginMiddleware } from '../http/origin.middleware';
import { sendError } from '../http/send-error';
import { handshakeCredentials } from './socketio-credentials';
import { SocketIoSession, type SocketIoServices } from './socketio-session';

/** Where Socket.IO clients connect (their default path). */
export const SOCKET_IO_PATH = '/socket.io/';

/**
 * `/socket.io/`: the chat for Socket.IO clients (Engine.IO 4, websocket and polling). The Engine.IO
 * server is made without an HTTP server, so it adds no listener of its own: TransportGateway hands it the
 * HTTP requests under the path and the UpgradeRouter its upgrades. Before the engine sees anything, the
 * door applies the rules every door has: the origin rule (403, with CORS for admitted origins, as on the
 * HTTP doors) and MAX_CONNECTIONS_PER_IP (429): a websocket session is its upgraded socket, which the
 * gateway counts; a polling session holds no socket of its own between polls, so it holds a slot of its
 * client's from its handshake until it closes or upgrades. The identity rule runs on the Socket.IO
 * CONNECT, and a refusal is the client's `connect_error`.
 */
@Injectable()
export class SocketIoTransport implements BeforeApplicationShutdown {
  readonly io: Server;
  private readonly engine: Engine;
  private readonly origins: OriginMiddleware;
  private readonly allowed: AllowedOrigins;
  /** The slot a polling handshake took, until the engine says what became of it. */
  private readonly handshakes = new WeakMap<IncomingMessage, () => void>();
  private readonly sessions = new Set<SocketIoSession>();
  private readonly services: SocketIoServices;
  private readonly logger = new Logger('SocketIo');

  constructor(
    @Inject(CHAT_API) chat: ChatApi,
    config: AppConfig,
    metrics: ChatMetrics,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    users: ClusterUserRegistry,
    presence: RoomPresence,
    typing: RoomTyping,
    reads: ReadMarkers,
    private readonly addresses: ClientAddress,
    private readonly cap: ConnectionCap,
  ) {
    this.allowed = allowedOrigins(config);
    this.origins = new OriginMiddleware(config);
    this.services = {
      chat,
      reads,
      presence,
      typing,
      users,
      counters: metrics.forDoor('socketio'),
      limits: {
        bufferBytes: config.SEND_BUFFER_BYTES,
        timeLimitMs: config.SEND_TIME_LIMIT_MS,
        ratePerSec: config.RATE_LIMIT_PER_SEC,
        burst: config.RATE_LIMIT_BURST,
        maxRooms: config.MAX_SUBSCRIPTIONS,
      },
    };
    this.engine = new Engine({
      transports: ['polling', 'websocket'],
      maxHttpBufferSize: config.MAX_FRAME_BYTES,
      // The origin rule and CORS are the door's own (above); no cookie, no Engine.IO 3 clients.
      cors: undefined,
      cookie: false,
      allowEIO3: false,
    });
    this.engine.on('connection', (conn: EngineSocket) => this.holdFor(conn));
    this.engine.on('connection_error', (error: { req: IncomingMessage }) => this.release(error.req));
    this.io = new Server({ serveClient: false, path: SOCKET_IO_PATH, connectTimeout: config.CONNECT_TIMEOUT_MS });
    this.io.bind(this.engine);
    this.io.use((socket, next) => this.authenticate(socket, next));
    this.io.on('connection', (socket) => this.open(socket));
  }

  /** Open Socket.IO sessions right now. */
  get size(): number {
    return this.sessions.size;
  }

  /** For the HTTP hook that runs before Nest's routes: every request whose path is SOCKET_IO_PATH. */
  readonly handleRequest = (req: IncomingMessage, res: ServerResponse): void => {
    this.origins.use(req, res, () => {
      if (!hasSid(req.url)) {
        const release = this.cap.hold(req);
        if (!release) return sendError(res, 429, { ...TOO_MANY_CONNECTIONS });
        this.handshakes.set(req, release);
      }
      this.engine.handleRequest(req, res);
    });
  };

  /** For `router.route(SOCKET_IO_PATH, transport.handleUpgrade)`. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!requestOriginAllowed(req, this.allowed)) return reject(socket, 403, 'Forbidden');
    this.engine.handleUpgrade(req, socket, head);
  };

  /** SIGTERM: every client's transport closes, so Socket.IO clients reconnect (to another node) by themselves. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.io.close();
  }

  /** A polling session keeps its handshake's slot until it closes, or upgrades to a socket counted as such. */
  private holdFor(conn: EngineSocket): void {
    const release = this.handshakes.get(conn.request);
    if (!release) return;
    this.handshakes.delete(conn.request);
    conn.once('close', release);
    conn.once('upgrade', release);
  }

  /** A handshake the engine refused (every refusal is a connection_error) gives its slot back. */
  private release(req: IncomingMessage): void {
    this.handshakes.get(req)?.();
    this.handshakes.delete(req);
  }

  private authenticate(socket: Socket, next: (error?: Error) => void): void {
    this.authenticator.authenticate(handshakeCredentials(socket.handshake)).then(
      (principal) => {
        socket.data.principal = principal;
        next();
      },
      (error: unknown) => {
        const refused = error instanceof AuthenticationError;
        if (!refused) this.logger.error(`authenticating a Socket.IO connection failed: ${String(error)}`);
        else this.logger.warn({ msg: `connect refused: ${error.message}`, door: 'socketio', remoteAddress: this.addresses.of(socket.request) });
        const message = refused ? error.message : 'The server could not check the credentials.';
        next(Object.assign(new Error(message), { data: { error: refused ? 'unauthorized' : 'internal-error', message } }));
      },
    );
  }

  private open(socket: Socket): void {
    const principal = socket.data.principal as Principal | undefined;
    const remoteAddress = this.addresses.of(socket.request);
    const session = new SocketIoSession(socket, principal, this.services, (closed, reason) => {
      this.sessions.delete(closed);
      this.services.counters.connections--;
      this.logger.log({ msg: `disconnected: ${reason}`, sessionId: socket.id, user: principal?.name, door: 'socketio', remoteAddress });
    });
    this.sessions.add(session);
    this.services.counters.connections++;
    this.logger.log({ msg: `connected over ${socket.conn.transport.name}`, sessionId: socket.id, user: principal?.name, door: 'socketio', remoteAddress });
  }
}

function hasSid(url: string | undefined): boolean {
  if (!url || !url.includes('sid=')) return false;
  try {
    return new URL(url, 'http://localhost').searchParams.has('sid');
  } catch {
    return false;
  }
}
