import { requestOriginAllowed } from '../origin-policy';
import { guardHtmlfileFrames } from './htmlfile-frame.guard';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, type Duplex } from 'node:stream';
import type { Connection, StompEndpoint } from '@app/stomp-session';
import { reject } from '../upgrade-router';
import { readBoundedBody } from './bounded-body.reader';
import { SockJsClientScript } from './sockjs-client-script';
import { SOCKJS_CLOSE, SockJsConnectionAdapter, type SockJsSendLimits } from './sockjs-connection.adapter';
import { createSockJsServer, type SockJsConnection, type SockJsHandler } from './sockjs-internals';
import {
  CLIENT_SCRIPT_PATH,
  callbackOf,
  framingHeaders,
  parseUrl,
  routeOf,
  type OriginPolicy,
  type SockJsRoute,
} from './sockjs-request-guards';

export interface SockJsLimits extends SockJsSendLimits {
  /** Largest SockJS message body (`xhr_send`, `jsonp_send`) and websocket message, in bytes. */
  readonly maxFrameBytes: number;
}

export interface SockJsLog {
  error(message: string, error?: unknown): void;
  debug?(message: string): void;
}

export interface SockJsTransportOptions {
  /** Where every SockJS session is opened as a STOMP session. */
  readonly endpoint: StompEndpoint;
  /** URL prefix of the SockJS endpoint; default `/chat`. */
  readonly prefix?: string;
  readonly limits: SockJsLimits;
  readonly allowedOrigins: OriginPolicy;
  /** SockJS `h` frame interval on streaming and polling transports; default 25 s. */
  readonly heartbeatDelayMs?: number;
  /** How long a session waits for the client's next request before it is closed; default 5 s. */
  readonly disconnectDelayMs?: number;
  /** Bytes after which a streaming response is ended so the client opens a fresh one; default 128 KiB. */
  readonly responseLimitBytes?: number;
  /**
   * Largest `xhr_send` / `jsonp_send` body; default `limits.maxFrameBytes`, as the contract reads.
   * sockjs-client packs every message sent while one POST is in flight into the next body, so a
   * client that bursts more than this within one round trip is refused (413) and drops its session.
   */
  readonly maxSendBodyBytes?: number;
  /** `cookie_needed` in /info, and the JSESSIONID cookie for sticky load balancers; default true (as Spring). */
  readonly cookieNeeded?: boolean;
  /** The sockjs-client file to serve at `<prefix>/sockjs.min.js`; default the installed package's. */
  readonly clientScriptFile?: string;
  readonly log?: SockJsLog;
  /** Called when a SockJS session opens and once when it ends (e.g. connection metrics), as on the ws transport. */
  readonly onOpen?: (connection: Connection) => void;
  readonly onClose?: (connection: Connection) => void;
}

/** The limits and origins of the SockJS endpoint as the environment sets them. */
const defaultLog: SockJsLog = {
  error: (message, error) => console.error(`[sockjs] ${message}`, error ?? ''),
};

/**
 * SockJS at `<prefix>` on a server it does not own: the HTTP layer offers each request to
 * handleRequest() and the upgrade router offers each upgrade to handleUpgrade(); both return false
 * for URLs that are not theirs. sockjs-node does the protocol (framing, sessions, heart-beats,
 * streaming limits, CORS, cookies); this class adds what it lacks: origin checks, a size limit on
 * inbound bodies before they are buffered, a strict JSONP callback check, jsonp-polling only with
 * `ALLOWED_ORIGINS=*`, a local sockjs-client for the iframe, and no path by which a stray Upgrade
 * header reaches faye-websocket with an HTTP response instead of a socket (CVE-2020-7693).
 * A plain WebSocket upgrade to `<prefix>` itself is not SockJS and is left to STOMP over ws.
 */
export class SockJsTransport {
  readonly prefix: string;
  private readonly handler: SockJsHandler;
  private readonly script: SockJsClientScript;
  private readonly live = new Set<SockJsConnectionAdapter>();
  private readonly log: SockJsLog;

  constructor(private readonly options: SockJsTransportOptions) {
    this.prefix = (options.prefix ?? '/chat').replace(/\/$/, '');
    this.log = options.log ?? defaultLog;
    this.script = new SockJsClientScript(options.clientScriptFile);
    if (!this.script.available) this.log.error('sockjs-client is not installed: the iframe transports will not load');
    const server = createSockJsServer({
      prefix: this.prefix,
      sockjs_url: `${this.prefix}${CLIENT_SCRIPT_PATH}?v=${this.script.version}`,
      response_limit: options.responseLimitBytes ?? 128 * 1024,
      websocket: true,
      jsessionid: options.cookieNeeded ?? true,
      heartbeat_delay: options.heartbeatDelayMs ?? 25_000,
      disconnect_delay: options.disconnectDelayMs ?? 5_000,
      faye_server_options: { maxLength: options.limits.maxFrameBytes },
      log: (severity, line) => {
        if (severity === 'error') this.log.error(line);
        else this.log.debug?.(line);
      },
    });
    server.on('connection', (conn) => this.open(conn));
    this.handler = server.listener().getHandler();
  }

  /** Open SockJS sessions. */
  get connections(): number {
    return this.live.size;
  }

  /** Serves a request under the prefix and returns true, or returns false and leaves it alone. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const { path, search } = parseUrl(req.url);
    const route = routeOf(path, this.prefix);
    if (!route) return false;
    try {
      this.serve(req, res, route, search);
    } catch (error) {
      this.log.error(`failed on ${req.method} ${path}`, error);
      if (!res.headersSent) refuse(res, 500, 'internal-error', 'The SockJS endpoint failed on this request.');
      else res.destroy();
    }
    return true;
  }

  /** The same as handleRequest() for Express: `app.use(transport.middleware())`, before any body parser. */
  middleware(): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
    return (req, res, next) => {
      if (!this.handleRequest(req, res)) next();
    };
  }

  /**
   * Takes WebSocket upgrades of `<prefix>/websocket` and `<prefix>/<server>/<session>/websocket`,
   * refuses any other upgrade under `<prefix>/`, and returns false for everything else, `<prefix>`
   * itself included.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const { path } = parseUrl(req.url);
    const route = routeOf(path, this.prefix);
    if (!route || route.kind === 'base') return false;
    try {
      if (!requestOriginAllowed(req, this.options.allowedOrigins)) reject(socket, 403, 'Forbidden');
      else if (!isWebSocketRoute(route)) reject(socket, 400, 'Bad Request');
      else if (!isRfc6455Upgrade(req)) reject(socket, 400, 'Bad Request');
      else this.handler(req, socket, head);
    } catch (error) {
      this.log.error(`failed on the upgrade of ${path}`, error);
      reject(socket, 500, 'Internal Server Error');
    }
    return true;
  }

  /** Closes every session, e.g. on shutdown: held polls and streams end with the close frame. */
  closeAll(code = 1001, reason = 'Server shutting down'): void {
    for (const adapter of [...this.live]) adapter.close(code, reason);
  }

  private serve(req: IncomingMessage, res: ServerResponse, route: SockJsRoute, search: URLSearchParams): void {
    if (!requestOriginAllowed(req, this.options.allowedOrigins)) {
      return refuse(res, 403, 'origin-not-allowed', 'This origin may not use the SockJS endpoint.');
    }
    if (route.kind === 'client-script') return this.script.serve(req, res);
    if (route.kind === 'iframe') {
      for (const [name, value] of Object.entries(framingHeaders(this.options.allowedOrigins))) res.setHeader(name, value);
    }
    if (isWebSocketRoute(route)) {
      // Only an upgrade may reach sockjs' websocket handlers: they expect a socket, not a response.
      return refuse(res, 400, 'upgrade-required', 'Can "Upgrade" only to "WebSocket".');
    }
    if (route.kind !== 'session') return void this.handler(req, res);
    const { transport } = route;
    if ((transport === 'jsonp' || transport === 'jsonp_send') && this.options.allowedOrigins !== '*') {
      return refuse(res, 403, 'transport-disabled', 'jsonp-polling cannot be origin-checked; it is served only when ALLOWED_ORIGINS=*.');
    }
    if ((transport === 'jsonp' || transport === 'htmlfile') && req.method === 'GET' && !callbackOf(search)) {
      return refuse(res, 400, 'bad-callback', 'The "c" parameter must be one name of 1 to 32 letters, digits, "_" or ".".');
    }
    if ((transport === 'xhr_send' || transport === 'jsonp_send') && req.method === 'POST') {
      return void this.forwardBounded(req, res);
    }
    if (transport === 'htmlfile') guardHtmlfileFrames(res);
    this.handler(req, res);
  }

  /** sockjs reads send bodies without a limit: read them here, within the limit, then replay them. */
  private async forwardBounded(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const limit = this.options.maxSendBodyBytes ?? this.options.limits.maxFrameBytes;
      const read = await readBoundedBody(req, limit);
      if (!read.ok) {
        if (read.why === 'aborted') return void res.destroy();
        res.setHeader('Connection', 'close');
        return refuse(res, 413, 'payload-too-large', `A SockJS message body may be at most ${limit} bytes.`);
      }
      this.handler(replayOf(req, read.body), res);
    } catch (error) {
      this.log.error(`failed on ${req.method} ${req.url}`, error);
      if (!res.headersSent) refuse(res, 500, 'internal-error', 'The SockJS endpoint failed on this request.');
    }
  }

  private open(conn: SockJsConnection): void {
    const adapter = new SockJsConnectionAdapter(
      conn,
      this.options.limits,
      (message, error) => this.log.error(message, error),
      (ended) => {
        this.live.delete(ended);
        this.notify(this.options.onClose, ended);
      },
    );
    try {
      const handle = this.options.endpoint.open(adapter);
      this.live.add(adapter);
      this.notify(this.options.onOpen, adapter);
      adapter.attach(handle);
    } catch (error) {
      this.log.error(`the STOMP endpoint refused a ${adapter.transport} session`, error);
      adapter.close(SOCKJS_CLOSE.serverError.code, SOCKJS_CLOSE.serverError.reason);
    }
  }

  private notify(hook: ((connection: Connection) => void) | undefined, connection: Connection): void {
    try {
      hook?.(connection);
    } catch (error) {
      this.log.error('a SockJS open/close hook failed', error);
    }
  }
}

function isWebSocketRoute(route: SockJsRoute): boolean {
  return route.kind === 'raw-websocket' || (route.kind === 'session' && route.transport === 'websocket');
}

/** faye-websocket would also speak the 2010 hixie drafts; nothing current needs them. */
function isRfc6455Upgrade(req: IncomingMessage): boolean {
  const version = req.headers['sec-websocket-version'];
  return (
    req.method === 'GET' &&
    (req.headers.upgrade ?? '').toLowerCase() === 'websocket' &&
    (version === '13' || version === '8') &&
    typeof req.headers['sec-websocket-key'] === 'string'
  );
}

/** The same request with its body already read: what sockjs' body readers listen to. */
function replayOf(req: IncomingMessage, body: Buffer): IncomingMessage {
  const replay = Readable.from(body.length > 0 ? [body] : [], { objectMode: false });
  return Object.assign(replay, {
    url: req.url,
    method: req.method,
    headers: req.headers,
    httpVersion: req.httpVersion,
    socket: req.socket,
    connection: req.socket,
  }) as unknown as IncomingMessage;
}

function refuse(res: ServerResponse, status: number, error: string, message: string): void {
  const body = JSON.stringify({ error, message });
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=UTF-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store, no-cache, no-transform, must-revalidate, max-age=0',
  });
  res.end(body);
}
