import { Inject, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { CHAT_API, ROOM_PATTERN, RoomPresence, isChatError, type ChatApi } from '@app/chat';
import { AppConfig, allowedOrigins } from '@app/config';
import { ChatMetrics, type TransportCounters } from '@app/observability';
import { AUTHENTICATOR, AuthenticationError, type Authenticator, type Principal } from '@app/stomp-session';
import { reject, requestOriginAllowed, type AllowedOrigins, type RoutedWsServer } from '@app/stomp-transport';
import { ClusterUserRegistry } from '@app/messaging';
import { requestCredentials } from '../http/request-credentials';
import { PlainWsClient, PlainWsClose, type PlainWsLimits } from './plain-ws-client';

export const PLAIN_WS_PATH = '/ws/chat';
const DEFAULT_ROOM = 'lobby';

/** What a handshake settled, for the connection it turns into. */
interface Admitted {
  room: string;
  principal: Principal | undefined;
}

/**
 * `ws://HOST:PORT/ws/chat?room=R`: the chat without STOMP (the documents' `TextWebSocketHandler`), a Nest
 * gateway on the application's server (RoutedWsAdapter routes its upgrades). The handshake is refused
 * with 403 for a foreign Origin, 400 for a bad room, 401 without what the identity rule asks
 * (`access_token`) and 403/404 for a room the user may not read, before any WebSocket exists.
 */
@WebSocketGateway({ path: PLAIN_WS_PATH })
export class PlainWsGateway implements OnGatewayInit<RoutedWsServer>, OnGatewayConnection<WebSocket>, BeforeApplicationShutdown {
  private readonly clients = new Set<PlainWsClient>();
  private readonly admitted = new WeakMap<IncomingMessage, Admitted>();
  private readonly allowed: AllowedOrigins;
  private readonly maxPayload: number;
  private readonly limits: PlainWsLimits;
  private readonly counters: TransportCounters;
  private readonly logger = new Logger('PlainWsGateway');

  constructor(
    @Inject(CHAT_API) private readonly chat: ChatApi,
    config: AppConfig,
    private readonly metrics: ChatMetrics,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    private readonly users: ClusterUserRegistry,
    private readonly presence: RoomPresence,
  ) {
    this.allowed = allowedOrigins(config);
    this.maxPayload = config.MAX_FRAME_BYTES;
    this.limits = {
      bufferBytes: config.SEND_BUFFER_BYTES,
      timeLimitMs: config.SEND_TIME_LIMIT_MS,
      ratePerSec: config.RATE_LIMIT_PER_SEC,
      burst: config.RATE_LIMIT_BURST,
    };
    this.counters = metrics.forDoor('plain-ws');
  }

  /** Open sockets right now. */
  get size(): number {
    return this.clients.size;
  }

  /** The gateway decorator's options are fixed at compile time; the frame limit comes from the config. */
  afterInit(server: RoutedWsServer): void {
    server.options.maxPayload = this.maxPayload;
    server.handshake = (req, socket) => this.handshake(req, socket);
  }

  private async handshake(req: IncomingMessage, socket: Duplex): Promise<boolean> {
    if (!requestOriginAllowed(req, this.allowed)) return refused(socket, 403, 'Forbidden');
    const room = roomOf(req.url);
    if (room === undefined) return refused(socket, 400, 'Bad Request');
    let principal: Principal | undefined;
    try {
      principal = await this.authenticator.authenticate(requestCredentials(req));
    } catch (error) {
      if (error instanceof AuthenticationError) return refused(socket, 401, 'Unauthorized');
      this.logger.error(`authenticating a /ws/chat handshake failed: ${String(error)}`);
      return refused(socket, 500, 'Internal Server Error');
    }
    try {
      this.chat.assertCanRead(room, principal);
    } catch (error) {
      if (!isChatError(error)) throw error;
      return refused(socket, error.status, error.status === 404 ? 'Not Found' : 'Forbidden');
    }
    this.admitted.set(req, { room, principal });
    return true;
  }

  handleConnection(ws: WebSocket, req: IncomingMessage): void {
    const admitted = this.admitted.get(req);
    if (!admitted) return ws.terminate();
    const { room, principal } = admitted;
    this.counters.connections++;
    this.counters.subscriptions++;
    let stopDisconnect = () => undefined as unknown;
    let leave = () => undefined as unknown;
    const client = new PlainWsClient(ws, room, principal, this.chat, this.limits, this.counters, (c) => {
      stopDisconnect();
      leave();
      this.clients.delete(c);
      this.counters.connections--;
      this.counters.subscriptions--;
    });
    this.clients.add(client);
    // A server-side disconnect of the user (decided on any node) ends this socket too.
    if (principal) stopDisconnect = this.users.whenDisconnected(principal.name, () => client.close(PlainWsClose.PolicyViolation, 'disconnected'));
    if (principal) leave = this.presence.enter(room, principal.name);
  }

  beforeApplicationShutdown(): void {
    for (const client of [...this.clients]) client.close(PlainWsClose.GoingAway, 'server shutting down');
  }
}

function refused(socket: Duplex, status: number, reason: string): false {
  reject(socket, status, reason);
  return false;
}

/** The `room` query parameter (default `lobby`), or undefined when it is not a valid room name. */
function roomOf(url: string | undefined): string | undefined {
  let room: string | null;
  try {
    room = new URL(url ?? '/', 'http://localhost').searchParams.get('room');
  } catch {
    return undefined;
  }
  if (room === null) return DEFAULT_ROOM;
  return ROOM_PATTERN.test(room) ? room : undefined;
}
