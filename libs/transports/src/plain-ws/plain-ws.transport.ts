import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import { WebSocketServer } from 'ws';
import { CHAT_API, ROOM_PATTERN, RoomPresence, isChatError, type ChatApi } from '@app/chat';
import { AppConfig, allowedOrigins } from '@app/config';
import { ChatMetrics, type TransportCounters } from '@app/observability';
import { AUTHENTICATOR, AuthenticationError, type Authenticator, type Principal } from '@app/stomp-session';
import { reject, requestOriginAllowed, type AllowedOrigins } from '@app/stomp-transport';
import { ClusterUserRegistry } from '@app/messaging';
import { requestCredentials } from '../http/request-credentials';
import { PlainWsClient, PlainWsClose, type PlainWsLimits } from './plain-ws-client';

export const PLAIN_WS_PATH = '/ws/chat';
const DEFAULT_ROOM = 'lobby';

/**
 * `ws://HOST:PORT/ws/chat?room=R`: the chat without STOMP. The `ws` server runs in noServer mode; the
 * app registers `handleUpgrade` with the UpgradeRouter. The handshake is refused with 403 for a foreign
 * Origin, 400 for a bad room and 401 without what the identity rule asks (`access_token`), before any
 * WebSocket exists.
 */
@Injectable()
export class PlainWsTransport implements BeforeApplicationShutdown {
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<PlainWsClient>();
  private readonly allowed: AllowedOrigins;
  private readonly limits: PlainWsLimits;
  private readonly counters: TransportCounters;
  private readonly logger = new Logger('PlainWsTransport');

  constructor(
    @Inject(CHAT_API) private readonly chat: ChatApi,
    config: AppConfig,
    private readonly metrics: ChatMetrics,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    private readonly users: ClusterUserRegistry,
    private readonly presence: RoomPresence,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: config.MAX_FRAME_BYTES, clientTracking: false });
    this.allowed = allowedOrigins(config);
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

  /** For `router.route(PLAIN_WS_PATH, transport.handleUpgrade)`. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!requestOriginAllowed(req, this.allowed)) return reject(socket, 403, 'Forbidden');
    const room = roomOf(req.url);
    if (room === undefined) return reject(socket, 400, 'Bad Request');
    this.authenticator.authenticate(requestCredentials(req)).then(
      (principal) => this.accept(req, socket, head, room, principal),
      (error: unknown) => {
        if (error instanceof AuthenticationError) return reject(socket, 401, 'Unauthorized');
        this.logger.error(`authenticating a /ws/chat handshake failed: ${String(error)}`);
        reject(socket, 500, 'Internal Server Error');
      },
    ).catch(() => socket.destroy());
  };

  private accept(req: IncomingMessage, socket: Duplex, head: Buffer, room: string, principal: Principal | undefined): void {
    // The client may have gone while its token was being checked.
    if (socket.destroyed) return;
    try {
      this.chat.assertCanRead(room, principal);
    } catch (error) {
      if (!isChatError(error)) throw error;
      return reject(socket, error.status, error.status === 404 ? 'Not Found' : 'Forbidden');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
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
    });
  }

  beforeApplicationShutdown(): void {
    for (const client of [...this.clients]) client.close(PlainWsClose.GoingAway, 'server shutting down');
  }
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
