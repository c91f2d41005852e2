import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STOMP_ENDPOINT, StompSessionFactory, type StompEndpoint } from '@app/stomp-session';
import { SockJsTransport, StompWebSocketTransport, UpgradeRouter, type ClientPolicy } from '@app/stomp-transport';
import { STOMP_BROKER_OPTIONS, type ResolvedStompBrokerOptions } from './stomp-broker.options';

export const STOMP_ENDPOINT_ATTACH = Symbol('StompEndpointAttach');

/**
 * The endpoints of StompBrokerModule's options on the application's own HTTP server: STOMP over a
 * WebSocket at each path and, with `sockjs`, SockJS under it (Spring's addEndpoint(...).withSockJS()).
 * It owns the server's `upgrade` event through one router, so other doors add routes to `router` rather
 * than listening themselves.
 */
@Injectable()
export class StompEndpointServer implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('StompEndpoints');
  readonly router = new UpgradeRouter();
  private readonly ws: StompWebSocketTransport[] = [];
  private readonly sockjs: SockJsTransport[] = [];
  private attached = false;

  constructor(
    @Inject(STOMP_BROKER_OPTIONS) private readonly options: ResolvedStompBrokerOptions,
    @Inject(STOMP_ENDPOINT) endpoint: StompEndpoint,
    private readonly sessions: StompSessionFactory,
    private readonly http: HttpAdapterHost,
    @Inject(STOMP_ENDPOINT_ATTACH) private readonly autoAttach: boolean,
  ) {
    const limits = options.session;
    for (const e of options.endpoints) {
      const ws = new StompWebSocketTransport({ endpoint, maxFrameBytes: limits.limits?.maxFrameBytes ?? 64 * 1024, allowedOrigins: options.allowedOrigins });
      this.ws.push(ws);
      this.router.route(e.path, (req, socket, head) => ws.handleUpgrade(req, socket, head));
      if (!e.sockjs) continue;
      const sockjs = new SockJsTransport({
        endpoint,
        prefix: e.path,
        limits: {
          maxFrameBytes: limits.limits?.maxFrameBytes ?? 64 * 1024,
          sendBufferBytes: limits.sendBufferBytes ?? 512 * 1024,
          sendTimeLimitMs: limits.sendTimeLimitMs ?? 10_000,
        },
        allowedOrigins: options.allowedOrigins,
        log: { error: (message, error) => this.logger.error(`${message}: ${String(error ?? '')}`) },
      });
      this.sockjs.push(sockjs);
      this.router.fallback((req, socket, head) => sockjs.handleUpgrade(req, socket, head));
    }
  }

  /**
   * Who a request comes from and how many SockJS sessions one client may hold open (the application's
   * per-address cap); without it, the socket's peer and no cap.
   */
  useClientPolicy(policy: ClientPolicy): void {
    for (const s of this.sockjs) s.useClientPolicy(policy);
    for (const w of this.ws) w.useAddressOf((req) => policy.address(req));
  }

  /** Takes the server's upgrades and returns the HTTP hook SockJS answers its URLs through (before any route). */
  attach(server: Server): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.router.dispatch(req, socket, head));
    return this.middleware();
  }

  /** The HTTP hook alone, for an application that owns the `upgrade` event and dispatches to `router` itself. */
  middleware(): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
    this.attached = true;
    const hooks = this.sockjs.map((s) => s.middleware());
    return (req, res, next) => {
      const run = (i: number): void => (i < hooks.length ? hooks[i]!(req, res, () => run(i + 1)) : next());
      run(0);
    };
  }

  /** Module init runs before Nest adds its not-found handler, so SockJS's URLs are still reachable. */
  onModuleInit(): void {
    if (!this.autoAttach || this.attached || this.options.endpoints.length === 0) return;
    const adapter = this.http.httpAdapter;
    if (!adapter) return;
    adapter.use(this.attach(adapter.getHttpServer() as Server));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.sessions.shutdownAll('server shutting down');
    for (const s of this.sockjs) s.closeAll(1001, 'Server shutting down');
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const ws of this.ws) ws.close();
  }
}
