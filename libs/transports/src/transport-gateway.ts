import type { Server } from 'node:http';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { AppConfig, allowedOrigins } from '@app/config';
import { ChatMetrics } from '@app/observability';
import { STOMP_ENDPOINT, StompSessionFactory, type StompEndpoint } from '@app/stomp-session';
import { PlainWsTransport } from './plain-ws/plain-ws.transport';
import { SockJsTransport, sockJsSettingsFrom } from './sockjs';
import { StompWebSocketTransport } from './stomp-ws/stomp-websocket.transport';
import { UpgradeRouter } from './upgrade-router';

export const STOMP_PATH = '/chat';
export const PLAIN_WS_PATH = '/ws/chat';

type RequestHook = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void;

/**
 * Every socket door of the server on one HTTP server: STOMP over ws at /chat, SockJS under /chat/...,
 * the plain chat socket at /ws/chat. Owns the upgrade router and the order in which doors close.
 */
@Injectable()
export class TransportGateway implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Transports');
  readonly router = new UpgradeRouter();
  readonly stompWs: StompWebSocketTransport;
  readonly sockjs: SockJsTransport;
  private server?: Server;

  constructor(
    config: AppConfig,
    @Inject(STOMP_ENDPOINT) endpoint: StompEndpoint,
    private readonly sessions: StompSessionFactory,
    plainWs: PlainWsTransport,
    metrics: ChatMetrics,
  ) {
    const ws = metrics.forTransport('websocket');
    this.stompWs = new StompWebSocketTransport({
      endpoint,
      maxFrameBytes: config.MAX_FRAME_BYTES,
      allowedOrigins: allowedOrigins(config),
      onOpen: () => void ws.connections++,
      onClose: () => void ws.connections--,
    });
    this.sockjs = new SockJsTransport({
      endpoint,
      prefix: STOMP_PATH,
      ...sockJsSettingsFrom(config),
      log: { error: (message, error) => this.logger.error(`${message}: ${String(error ?? '')}`) },
    });
    this.router
      .route(STOMP_PATH, (req, socket, head) => this.stompWs.handleUpgrade(req, socket, head))
      .route(PLAIN_WS_PATH, plainWs.handleUpgrade)
      .fallback((req, socket, head) => this.sockjs.handleUpgrade(req, socket, head));
  }

  /** Takes the server's upgrades; returns the HTTP hook SockJS needs ahead of every other route. */
  attach(server: Server): RequestHook {
    this.server = server;
    this.router.attach(server);
    return this.sockjs.middleware();
  }

  /** SIGTERM: refuse new connections, then tell every STOMP client (ERROR frame) and end SockJS sessions. */
  async beforeApplicationShutdown(): Promise<void> {
    this.server?.close();
    this.sessions.shutdownAll('server shutting down');
    this.sockjs.closeAll(1001, 'Server shutting down');
    // Give the ERROR frames and close handshakes a moment to reach clients before sockets are cut.
    await new Promise((resolve) => setTimeout(resolve, 200));
    this.stompWs.close();
  }
}
