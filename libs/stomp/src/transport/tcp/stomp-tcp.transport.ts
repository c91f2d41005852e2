import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { encodeFrame } from '@app/stomp-codec';
import type { SessionHandle, StompEndpoint } from '@app/stomp-session';
import type { ConnectionLimiter } from '../connection-limiter';
import { TcpConnection } from './tcp-connection';
import { batchTurns } from '../turn-writes';

/** A certificate chain and its private key (PEM), as `tls.createServer` takes them. */
export interface StompTlsCredentials {
  cert: string | Buffer;
  key: string | Buffer;
  passphrase?: string;
}

export interface StompTcpTransportOptions {
  endpoint: StompEndpoint;
  /** With credentials the door speaks TLS (stomp+ssl, as brokers call it); without, plain TCP. */
  tls?: StompTlsCredentials;
  /** The per-address cap every door shares; a socket past it is refused before a session exists. */
  connections?: ConnectionLimiter;
  /** How long a TLS handshake may take (the session's CONNECT timeout starts after it). */
  handshakeTimeoutMs?: number;
  log?: { warn(message: string): void };
}

/** Said to a socket refused for its address's cap, before the close: the frame a STOMP client understands. */
const TOO_MANY = encodeFrame(
  {
    command: 'ERROR',
    headers: new Map([['message', 'too many connections'], ['content-type', 'text/plain']]),
    body: Buffer.from('This address holds too many open connections; close some and retry.'),
  },
  '1.2',
);
const REFUSED_GRACE_MS = 1_000;
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * STOMP on a socket of its own, as message brokers serve it on 61613 (and over TLS): no HTTP, no
 * WebSocket framing, just STOMP frames both ways. Each accepted socket is one STOMP session on the same
 * endpoint as every other door, so versions, heart-beats, limits, identity and the slow-consumer rule
 * are the session's, not this door's. Anything that is not STOMP (an HTTP request, garbage) is a
 * protocol fault of that session: ERROR, then close.
 */
export class StompTcpTransport {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private lastRefusalLog = 0;

  constructor(private readonly options: StompTcpTransportOptions) {
    if (options.tls) {
      const server = createTlsServer({
        cert: options.tls.cert,
        key: options.tls.key,
        passphrase: options.tls.passphrase,
        minVersion: 'TLSv1.2',
        handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
      });
      // The cap is taken on the raw socket, before a handshake is paid for.
      server.on('connection', (raw: Socket) => this.admit(raw, false));
      server.on('secureConnection', (socket: TLSSocket) => this.accept(socket, 'tcp-tls'));
      // Plaintext on the TLS port, a bad handshake, a timeout: that socket is gone, nothing else is.
      server.on('tlsClientError', (_error, socket) => socket.destroy());
      this.server = server;
    } else {
      this.server = createNetServer({ noDelay: true }, (socket) => {
        if (this.admit(socket, true)) this.accept(socket, 'tcp');
      });
    }
    // A listening socket that fails later (EMFILE on accept, say) must not take the process down.
    this.server.on('error', (error) => this.options.log?.warn(`STOMP ${this.scheme} server: ${error.message}`));
  }

  /** `stomp` or `stomp+ssl`, for log lines and URLs. */
  get scheme(): string {
    return this.options.tls ? 'stomp+ssl' : 'stomp';
  }

  /** Open sockets (for shutdown, tests and memory figures). */
  get connections(): number {
    return this.sockets.size;
  }

  listen(port: number, host?: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const failed = (error: Error) => reject(error);
      this.server.once('error', failed);
      this.server.listen(port, host, () => {
        this.server.off('error', failed);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  get address(): AddressInfo | undefined {
    return (this.server.address() as AddressInfo | null) ?? undefined;
  }

  /** Stops accepting; open sessions are ended by their own shutdown (ERROR frame, then close). */
  stopAccepting(): void {
    // close()'s callback would wait for every open socket; the listener itself is gone at once.
    if (this.server.listening) this.server.close();
  }

  /** Resolves when every socket has gone, or after `ms`; whatever is left is cut. */
  async drain(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const socket of this.sockets) socket.destroy();
  }

  /** Holds a slot of the per-address cap for the socket's life; false (socket refused) past the cap. */
  private admit(socket: Socket, canSpeak: boolean): boolean {
    socket.on('error', () => socket.destroy());
    if (!this.options.connections || this.options.connections.admit(socket)) return true;
    this.logRefusal(socket.remoteAddress);
    // A plain socket is told why in STOMP; a TLS one has no session to say it in before its handshake.
    if (canSpeak) socket.end(TOO_MANY);
    else socket.destroy();
    setTimeout(() => socket.destroy(), REFUSED_GRACE_MS).unref();
    return false;
  }

  private accept(socket: Socket, transport: string): void {
    if (socket.destroyed) return;
    socket.setNoDelay(true);
    batchTurns(socket);
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    let session: SessionHandle;
    try {
      session = this.options.endpoint.open(new TcpConnection(socket, transport, socket.remoteAddress ?? 'unknown'));
    } catch (error) {
      // This socket's session could not start; the listener and every other session go on.
      this.options.log?.warn(`STOMP ${this.scheme}: a session failed to open: ${String(error)}`);
      return void socket.destroy();
    }
    socket.on('data', (chunk: Buffer) => session.receive(chunk));
    socket.once('close', () => {
      this.sockets.delete(socket);
      session.closed();
    });
  }

  private logRefusal(address: string | undefined): void {
    const now = Date.now();
    if (now - this.lastRefusalLog < REFUSAL_LOG_INTERVAL_MS) return;
    this.lastRefusalLog = now;
    const cap = this.options.connections;
    this.options.log?.warn(`refusing STOMP ${this.scheme} connections from ${address ?? 'unknown'}: over ${cap?.maxPerAddress} per address (${cap?.refused} refused so far)`);
  }
}
