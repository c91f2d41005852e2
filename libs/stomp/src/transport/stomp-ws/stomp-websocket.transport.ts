import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { SessionHandle, StompEndpoint } from '@app/stomp-session';
import { requestOriginAllowed, type AllowedOrigins } from '../origin-policy';
import { reject } from '../upgrade-router';
import { WsConnection } from './ws-connection';

export interface StompWebSocketOptions {
  endpoint: StompEndpoint;
  maxFrameBytes: number;
  allowedOrigins: AllowedOrigins;
  /** The client's address for logs and limits (ClientAddress); the TCP peer's by default. */
  addressOf?: (req: IncomingMessage) => string;
  /** Counts open connections by transport (observability); optional. */
  onOpen?: () => void;
  onClose?: () => void;
}

/** Sub-protocols in our order of preference: the highest STOMP version both sides speak. */
const PROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];
export const MAX_FRAGMENTS = 128;
export const MAX_BUFFERED_CHUNKS = 4096;
const ERROR_CLOSE_GRACE_MS = 1_000;

/**
 * A server-side socket that knows its session, so that one set of listener functions serves every
 * socket (`this` is the socket) instead of three closures made per connection.
 */
class SessionSocket extends WebSocket {
  session?: SessionHandle;
  /** Whose onClose to call when the socket is gone. */
  owner?: StompWebSocketOptions;
}

function onMessage(this: SessionSocket, data: Buffer | ArrayBuffer | Buffer[]): void {
  this.session?.receive(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));
}

// ws reports protocol faults (oversized message, too many fragments, bad UTF-8, bad opcodes) here,
// having already sent the close frame with its code (1009, 1008, 1007, 1002). Cutting the socket at
// once would turn that into a reset while the client is still writing, and it would see 1006 instead:
// give the close handshake a moment (ws drops whatever else the client sends meanwhile).
function onError(this: SessionSocket): void {
  setTimeout(() => this.terminate(), ERROR_CLOSE_GRACE_MS).unref();
}

function onClose(this: SessionSocket): void {
  const session = this.session;
  if (!session) return;
  this.session = undefined;
  this.owner?.onClose?.();
  session.closed();
}

/** STOMP over a plain WebSocket (ws://HOST:PORT/chat), on `ws` in noServer mode behind the upgrade router. */
export class StompWebSocketTransport {
  private readonly wss: WebSocketServer;
  private addressOf: (req: IncomingMessage) => string;

  constructor(private readonly options: StompWebSocketOptions) {
    this.addressOf = options.addressOf ?? ((req) => req.socket.remoteAddress ?? 'unknown');
    this.wss = new WebSocketServer({
      noServer: true,
      // The frame limit is also the message limit: an oversized message is refused by ws before it is buffered.
      maxPayload: options.maxFrameBytes,
      // A message may come in fragments and in TCP chunks of any size; each one costs an object and a
      // trip through the parser, so a flood of tiny ones is bounded too (ws closes with 1008). Real
      // clients send a STOMP frame in one fragment; 128 fragments / 4096 chunks leave room for any
      // honest splitting of a MAX_FRAME_BYTES frame (4096 chunks = 16 bytes each for 64 KiB).
      maxFragments: MAX_FRAGMENTS,
      maxBufferedChunks: MAX_BUFFERED_CHUNKS,
      perMessageDeflate: false,
      clientTracking: true,
      WebSocket: SessionSocket,
      handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
    });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!requestOriginAllowed(req, this.options.allowedOrigins)) return reject(socket, 403, 'Forbidden');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  }

  /** Who a handshake comes from (the application's ClientPolicy: behind a trusted proxy, the forwarded client). */
  useAddressOf(addressOf: (req: IncomingMessage) => string): void {
    this.addressOf = addressOf;
  }

  /** Open sockets (for shutdown and tests). */
  get clients(): ReadonlySet<WebSocket> {
    return this.wss.clients;
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const remote = this.addressOf(req);
    const own = ws as SessionSocket;
    own.session = this.options.endpoint.open(new WsConnection(ws, 'websocket', remote));
    own.owner = this.options;
    this.options.onOpen?.();
    ws.on('message', onMessage);
    ws.on('error', onError);
    ws.on('close', onClose);
  }
}
