import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, type Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Connection, StompEndpoint } from '@app/stomp-session';
import { OPEN_CLIENT_POLICY, type ClientPolicy } from '../client-policy';
import { requestOriginAllowed } from '../origin-policy';
import { reject } from '../upgrade-router';
import { readBoundedBody } from './bounded-body.reader';
import { guardHtmlfileFrames } from './htmlfile-frame.guard';
import { SockJsClientScript } from './sockjs-client-script';
import { SOCKJS_CLOSE, SockJsConnectionAdapter, type SockJsSendLimits } from './sockjs-connection.adapter';
import { createSockJsServer, sockJsSessionExists, type SockJsConnection, type SockJsHandler } from './sockjs-internals';
import {
  CLIENT_SCRIPT_PATH,
  callbackRefusal,
  framingHeaders,
  parseUrl,
  routeOf,
  type OriginPolicy,
  type SockJsRoute,
} from './sockjs-request-guards';
import { RECEIVERS, SENDERS, SockJsSessionOwners, type SessionKind, type SessionOwner } from './sockjs-session-owners';

type SessionRoute = Extract<SockJsRoute, { kind: 'session' }>;

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
  /**
   * Who a request comes from and how many sessions one client may hold (see useClientPolicy());
   * default: the socket's peer, no cap.
   */
  readonly clients?: ClientPolicy;
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
 * `ALLOWED_ORIGINS=*`, a local sockjs-client for the iframe, no path by which a stray Upgrade
 * header reaches faye-websocket with an HTTP response instead of a socket (CVE-2020-7693), HTTP
 * sessions bound to whoever opened them (SockJsSessionOwners) and counted under the client policy's
 * cap. sockjs' session table never sees a client-chosen id: requests reach it under the owner's key.
 * A plain WebSocket upgrade to `<prefix>` itself is not SockJS and is left to STOMP over ws.
 */
export class SockJsTransport {
  readonly prefix: string;
  private readonly handler: SockJsHandler;
  private readonly script: SockJsClientScript;
  private readonly live = new Set<SockJsConnectionAdapter>();
  private readonly owners = new SockJsSessionOwners();
  private readonly log: SockJsLog;
  private clients: ClientPolicy;

  constructor(private readonly options: SockJsTransportOptions) {
    this.prefix = (options.prefix ?? '/chat').replace(/\/$/, '');
    this.log = options.log ?? defaultLog;
    this.clients = options.clients ?? OPEN_CLIENT_POLICY;
    this.script = new SockJsClientScript(options.clientScriptFile);
    if (!this.script.available) this.log.error('sockjs-client is not installed: the iframe transports will not load');
    const server = createSockJsServer({
      prefix: this.prefix,
      sockjs_url: `${this.prefix}${CLIENT_SCRIPT_PATH}?v=${this.script.version}`,
      response_limit: options.responseLimitBytes ?? 128 * 1024,
      websocket: true,
      jsessionid: (options.cookieNeeded ?? true) ? appendJsessionid : false,
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

  /** Sets who a request comes from and what one client may open, for sessions opened from now on. */
  useClientPolicy(policy: ClientPolicy): void {
    this.clients = policy;
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
      else if (req.method !== 'GET') rejectMethod(socket);
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
      // sockjs-protocol: the websocket URLs are GET only (405); only an upgrade may reach sockjs'
      // websocket handlers, which expect a socket, not a response.
      if (req.method !== 'GET') return answerMethodNotAllowed(res);
      return refuse(res, 400, 'upgrade-required', 'Can "Upgrade" only to "WebSocket".');
    }
    if (route.kind !== 'session') return void this.handler(req, res);
    const { transport } = route;
    if ((transport === 'jsonp' || transport === 'jsonp_send') && this.options.allowedOrigins !== '*') {
      return refuse(res, 403, 'transport-disabled', 'jsonp-polling cannot be origin-checked; it is served only when ALLOWED_ORIGINS=*.');
    }
    if ((transport === 'jsonp' || transport === 'htmlfile') && req.method === 'GET') {
      const refusal = callbackRefusal(search);
      if (refusal !== undefined) return answerText(res, 500, refusal);
    }
    if (SENDERS.has(transport) && req.method === 'POST') return void this.forwardSend(req, res, route);
    const receiver = RECEIVERS.get(transport);
    if (receiver && req.method === receiver.method) return this.receive(req, res, route, receiver.kind);
    // CORS preflights, wrong methods and unknown transports: sockjs answers them without a session.
    this.handler(req, res);
  }

  /** A receiving request: the owner's next one, a stranger's (404), or the one that opens the session. */
  private receive(req: IncomingMessage, res: ServerResponse, route: SessionRoute, kind: SessionKind): void {
    const address = this.clients.address(req);
    const known = this.owners.find(route.session);
    if (known) {
      if (!this.owners.owns(known, req, address, kind)) return answerNoSession(res);
      return this.pass(req, res, route, known);
    }
    const release = this.clients.admit(req);
    if (!release) {
      return refuse(res, 429, 'too-many-connections', 'This address holds too many open connections; close some and retry.');
    }
    const secure = (req.socket as Partial<TLSSocket>).encrypted === true;
    const { owner, cookie } = this.owners.open(route.session, route.server, kind, address, { prefix: this.prefix, secure, release });
    if (cookie !== undefined) res.setHeader('Set-Cookie', [cookie]);
    try {
      this.pass(req, res, route, owner);
    } finally {
      // sockjs makes the session while it takes the opening request, or not at all.
      if (!sockJsSessionExists(owner.key)) this.owners.forget(owner);
    }
  }

  private pass(req: IncomingMessage, res: ServerResponse, route: SessionRoute, owner: SessionOwner): void {
    if (route.transport === 'htmlfile') guardHtmlfileFrames(res);
    // sockjs reads the URL while it takes the request (synchronously); others keep seeing the client's.
    const url = req.url;
    req.url = sessionUrl(this.prefix, route, owner.key, url);
    try {
      this.handler(req, res);
    } finally {
      req.url = url;
    }
  }

  /**
   * xhr_send / jsonp_send. sockjs reads send bodies without a limit: read them here, within the limit,
   * then replay them to sockjs, if the session is the sender's.
   */
  private async forwardSend(req: IncomingMessage, res: ServerResponse, route: SessionRoute): Promise<void> {
    try {
      const limit = this.options.maxSendBodyBytes ?? this.options.limits.maxFrameBytes;
      const read = await readBoundedBody(req, limit);
      if (!read.ok) {
        if (read.why === 'aborted') return void res.destroy();
        res.setHeader('Connection', 'close');
        return refuse(res, 413, 'payload-too-large', `A SockJS message body may be at most ${limit} bytes.`);
      }
      const owner = this.owners.find(route.session);
      if (!owner || !this.owners.owns(owner, req, this.clients.address(req), undefined)) return answerNoSession(res);
      this.handler(replayOf(req, read.body, sessionUrl(this.prefix, route, owner.key, req.url)), res);
    } catch (error) {
      this.log.error(`failed on ${req.method} ${req.url}`, error);
      if (!res.headersSent) refuse(res, 500, 'internal-error', 'The SockJS endpoint failed on this request.');
    }
  }

  private open(conn: SockJsConnection): void {
    const key = conn._session?.session_id;
    const owner = key ? this.owners.findByKey(key) : undefined;
    // Bound to sockjs' own end of the session, whether or not the STOMP endpoint takes it.
    if (owner) conn.once('close', () => this.owners.forget(owner));
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

/**
 * sockjs' JSESSIONID for sticky load balancers (the client's own, else `dummy`). Its built-in one would
 * replace the response's Set-Cookie, and with it the owner cookie: this adds to it instead.
 */
function appendJsessionid(req: IncomingMessage & { cookies: Record<string, string> }, res: ServerResponse): void {
  res.appendHeader('Set-Cookie', `JSESSIONID=${req.cookies.JSESSIONID || 'dummy'}; path=/`);
}

/** The session's URL as sockjs is to see it: the client's id replaced by the owner's key. */
function sessionUrl(prefix: string, route: SessionRoute, key: string, url: string | undefined): string {
  const q = url?.indexOf('?') ?? -1;
  return `${prefix}/${route.server}/${key}/${route.transport}${q === -1 ? '' : url!.slice(q)}`;
}

/** The same request with its body already read (at `url`): what sockjs' body readers listen to. */
function replayOf(req: IncomingMessage, body: Buffer, url: string): IncomingMessage {
  const replay = Readable.from(body.length > 0 ? [body] : [], { objectMode: false });
  return Object.assign(replay, {
    url,
    method: req.method,
    headers: req.headers,
    httpVersion: req.httpVersion,
    socket: req.socket,
    connection: req.socket,
  }) as unknown as IncomingMessage;
}

/** What sockjs answers for a session it does not have (and Spring for one that is not the caller's). */
function answerNoSession(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Length': 0, 'Cache-Control': NO_CACHE });
  res.end();
}

/** sockjs-protocol's plain-text protocol errors (e.g. 500 `"callback" parameter required`). */
function answerText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=UTF-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': NO_CACHE });
  res.end(text);
}

function answerMethodNotAllowed(res: ServerResponse): void {
  res.writeHead(405, { Allow: 'GET', 'Content-Length': 0 });
  res.end();
}

/** The same for a request that arrived as an upgrade. */
function rejectMethod(socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  socket.end('HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}

const NO_CACHE = 'no-store, no-cache, no-transform, must-revalidate, max-age=0';

function refuse(res: ServerResponse, status: number, error: string, message: string): void {
  const body = JSON.stringify({ error, message });
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=UTF-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': NO_CACHE,
  });
  res.end(body);
}
