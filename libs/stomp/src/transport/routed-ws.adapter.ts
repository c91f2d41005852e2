import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { WsAdapter } from '@nestjs/platform-ws';
import type { Observable } from 'rxjs';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';
import { reject, type UpgradeRouter } from './upgrade-router';

/**
 * A gateway's check of a handshake before any WebSocket exists (origin, identity, what it asks for).
 * It answers a refusal itself (`reject`) and resolves false; true lets the upgrade go on.
 */
export type GatewayHandshake = (req: IncomingMessage, socket: Duplex) => Promise<boolean>;

/** The server a gateway gets in `afterInit`: it may set `handshake` there. */
export type RoutedWsServer = WebSocketServer & { handshake?: GatewayHandshake };

/**
 * Nest's `ws` adapter for the application's own HTTP server, with one change: a gateway's path becomes
 * a route of the broker's UpgradeRouter, the one owner of the server's `upgrade` event. The stock
 * WsAdapter listens to that event itself and destroys every upgrade whose path no gateway has, which
 * would cut STOMP (`/chat`), SockJS's websocket transports and Socket.IO. A gateway on another port is
 * left to the stock adapter.
 */
export class RoutedWsAdapter extends WsAdapter {
  constructor(app: INestApplicationContext, private readonly router: UpgradeRouter) {
    super(app);
  }

  override create(port: number, options: ServerOptions & { namespace?: string; server?: unknown } = {}): WebSocketServer {
    const { server, path, namespace, ...wsOptions } = options;
    if (port !== 0 || server !== undefined || namespace !== undefined || path === undefined) return super.create(port, options);
    const wss: RoutedWsServer = new WebSocketServer({ ...wsOptions, noServer: true });
    wss.on('connection', (ws: WebSocket) => ws.on('error', () => ws.terminate()));
    this.router.route(path, (req, socket, head) => {
      const handshake = wss.handshake ?? (() => Promise.resolve(true));
      handshake(req, socket).then(
        (accepted) => {
          // The client may have gone while the handshake was being checked.
          if (!accepted || socket.destroyed) return;
          wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
        },
        () => reject(socket, 500, 'Internal Server Error'),
      );
    });
    return wss;
  }

  /** A gateway that reads its sockets itself (no @SubscribeMessage) is not made to parse every message as JSON. */
  override bindMessageHandlers(client: WebSocket, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    if (handlers.length > 0) super.bindMessageHandlers(client, handlers, transform);
  }
}
