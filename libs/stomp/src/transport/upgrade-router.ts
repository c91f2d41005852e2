import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import { batchTurns } from './turn-writes';

const logger = new Logger('Upgrade');

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
/** Returns true when it took the upgrade. */
export type UpgradeMatcher = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

/**
 * The one owner of the HTTP server's 'upgrade' event. STOMP over ws (/chat), SockJS's websocket
 * transports (/chat/...) and the plain chat socket (/ws/chat) register here, so adding an endpoint
 * never means fighting another library over the event. Unknown paths get a 404 and a closed socket.
 * Being the one place every upgraded socket passes, it is where their writes are batched per turn
 * (batchTurns), for every door alike.
 */
export class UpgradeRouter {
  private readonly exact = new Map<string, UpgradeHandler>();
  private readonly matchers: UpgradeMatcher[] = [];

  /** Routes upgrades whose path (without query string) is exactly `path`. */
  route(path: string, handler: UpgradeHandler): this {
    this.exact.set(path, handler);
    return this;
  }

  /** Offers every upgrade with no exact route to `matcher`, in registration order. */
  fallback(matcher: UpgradeMatcher): this {
    this.matchers.push(matcher);
    return this;
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.dispatch(req, socket, head));
  }

  dispatch(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A socket error before a handler takes over must not become an uncaught exception.
    socket.on('error', destroyOnError);
    batchTurns(socket);
    try {
      const path = pathOf(req.url);
      const handler = this.exact.get(path);
      if (handler) return handler(req, socket, head);
      for (const matcher of this.matchers) if (matcher(req, socket, head)) return;
      reject(socket, 404, 'Not Found');
    } catch {
      reject(socket, 500, 'Internal Server Error');
    }
  }
}

export function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}

/** Answers a refused upgrade with a plain HTTP status and closes the socket. */
export function reject(socket: Duplex, status: number, reason: string): void {
  // Every door refuses an upgrade through here, so this is where refusals (origin, limits, auth) are logged.
  const log = status >= 500 ? logger.error.bind(logger) : logger.warn.bind(logger);
  log({ msg: `upgrade refused: ${status} ${reason}`, status, remoteAddress: (socket as { remoteAddress?: string }).remoteAddress });
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ error: reason.toLowerCase().replace(/\s+/g, '-'), message: reason });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** One listener for every socket (not a closure each): an error before a handler has it ends it. */
function destroyOnError(this: Duplex): void {
  this.destroy();
}
