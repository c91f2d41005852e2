import { backoffDelay } from './backoff';
import { Emitter } from './emitter';
import { ChatClientError } from './errors';
import { openHttpLink } from './links/http.link';
import type { IoLike, Link, LinkContext, LinkEvents, SockJsLike, WebSocketLike } from './links/link';
import { RestClient } from './links/rest';
import { openSocketIoLink } from './links/socketio.link';
import { openStompLink } from './links/stomp.link';
import { toChatMessages } from './wire';
import type { ChatMessage, ConnectionState, PresenceEvent, RoomEvent, RoomEventType, RoomJoined, StateChange, TransportKind } from './types';

export interface ChatClientOptions {
  /** The chat server: `http(s)://host:port` (the WebSocket URL is derived from it). */
  url: string | URL;
  /** Default `websocket` (STOMP over a plain WebSocket). */
  transport?: TransportKind;
  /** The user name of an anonymous session (STOMP `login`, `from` of posts) when the server has no identity provider. */
  name?: string;
  /** A JWT, or a function giving a fresh one for each connection attempt (a session ends when its token expires). */
  token?: string | (() => string | Promise<string>);
  /** A WebSocket constructor where the platform has none: in Node 20, `WebSocket` of the `ws` package. */
  WebSocket?: WebSocketLike;
  /** sockjs-client's default export; imported on first use when left out. */
  SockJS?: SockJsLike;
  /** socket.io-client's `io`; imported on first use when left out. */
  io?: IoLike;
  fetch?: typeof fetch;
  /** How many messages a first join shows (1 to 500, default 50). */
  historyLimit?: number;
  /** How long a request may wait for the server's answer (default 10 000 ms). */
  requestTimeoutMs?: number;
  /** Reconnect after a drop (default on), with exponential backoff and jitter from baseMs to maxMs. */
  reconnect?: boolean | { baseMs?: number; maxMs?: number };
  /** How often send() tries a message that failed for a passing reason (default 5). */
  sendAttempts?: number;
}

export interface SendOptions {
  /** Retry key (up to 64 characters): the same id from the same sender in the same room is stored once. Default: a random one. */
  clientMessageId?: string;
}

export interface JoinOptions {
  /** Resume after this message id (one kept from an earlier session): no history, the missed messages first. */
  sinceId?: number;
}

type RoomEventListeners = { [K in RoomEventType]: [Extract<RoomEvent, { type: K }>] };

export interface ChatClientEvents extends RoomEventListeners {
  state: [StateChange];
  /** A message of a joined room: each id once, in id order per room (history, replay and live alike). */
  message: [ChatMessage];
  /** A room's feed is live (after join, and after every resume). */
  joined: [RoomJoined];
  /** Every room event of a joined room (also emitted under its own type). */
  event: [RoomEvent];
  /** A refusal or failure that no call of yours is waiting for (calls reject with theirs instead). */
  error: [ChatClientError];
}

interface Waiter {
  resolve(): void;
  reject(error: ChatClientError): void;
}

interface Room {
  name: string;
  /** The last id the room's feed delivered: where a resume starts. */
  cursor: number | undefined;
  live: boolean;
  /** join() calls waiting for the first time the feed is live. */
  joining: Waiter[];
}

const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_TEXT = 4000;

function newClientMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function asChatError(error: unknown): ChatClientError {
  if (error instanceof ChatClientError) return error;
  return new ChatClientError('protocol-error', error instanceof Error ? error.message : String(error));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function openLink(ctx: LinkContext, events: LinkEvents): Link {
  if (ctx.kind === 'sse' || ctx.kind === 'long-polling') return openHttpLink(ctx, events);
  if (ctx.kind === 'socketio' || ctx.kind === 'socketio-polling') return openSocketIoLink(ctx, events);
  return openStompLink(ctx, events);
}

/**
 * A chat connection over any of the server's doors that keeps itself whole: it reconnects with backoff,
 * resumes every joined room after the last message it delivered (since-id, Last-Event-ID, after, or
 * Socket.IO's sinceId), drops anything it already delivered, and retries sends with one
 * client-message-id so that a message is stored once.
 */
export class ChatClient extends Emitter<ChatClientEvents> {
  private readonly base: URL;
  private readonly kind: TransportKind;
  private readonly rooms = new Map<string, Room>();
  private readonly connectWaiters = new Set<Waiter>();
  private link: Link | undefined;
  private linkOpen = false;
  private generation = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private wanted = false;
  private closed = false;
  private current: ConnectionState = 'disconnected';

  constructor(private readonly options: ChatClientOptions) {
    super();
    this.base = new URL(options.url);
    this.kind = options.transport ?? 'websocket';
    const hasWebSocket = options.WebSocket ?? (globalThis as { WebSocket?: unknown }).WebSocket;
    if (this.kind === 'websocket' && !hasWebSocket) {
      throw new ChatClientError('unsupported', 'This platform has no WebSocket: pass options.WebSocket (in Node, the ws package).');
    }
  }

  get state(): ConnectionState {
    return this.current;
  }

  get transport(): TransportKind {
    return this.kind;
  }

  /** The rooms joined, and where each would resume (undefined: it has not delivered anything yet). */
  get joinedRooms(): ReadonlyMap<string, number | undefined> {
    return new Map([...this.rooms.values()].map((r) => [r.name, r.cursor]));
  }

  /**
   * Connects, and keeps reconnecting until disconnect() or close(); resolves once connected. A call
   * while waiting to reconnect tries at once.
   */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new ChatClientError('closed', 'This client was closed.'));
    this.wanted = true;
    if (this.linkOpen) return Promise.resolve();
    const connected = new Promise<void>((resolve, reject) => this.connectWaiters.add({ resolve, reject }));
    if (this.current !== 'connecting') {
      this.attempt = 0;
      void this.open();
    }
    return connected;
  }

  /** Drops the connection and stops reconnecting; joined rooms are kept, and connect() resumes them. */
  disconnect(): void {
    this.wanted = false;
    this.stopLink();
    this.rejectConnectWaiters(new ChatClientError('not-connected', 'disconnect() was called.'));
    this.setState({ state: 'disconnected' });
  }

  /** Disconnects for good: every join, send and call still waiting fails with `closed`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const error = new ChatClientError('closed', 'This client was closed.');
    for (const room of this.rooms.values()) for (const w of room.joining) w.reject(error);
    this.rooms.clear();
    this.wanted = false;
    this.stopLink();
    this.rejectConnectWaiters(error);
    this.setState({ state: 'disconnected' });
  }

  /**
   * Follows a room: its latest messages first (or, with `sinceId`, those after it), then live ones, and
   * its events. Resolves once the feed is live; rejects when the server refuses the room (the room is
   * then not joined). Joining a joined room changes nothing.
   */
  join(room: string, options: JoinOptions = {}): Promise<void> {
    if (this.closed) return Promise.reject(new ChatClientError('closed', 'This client was closed.'));
    if (!ROOM_PATTERN.test(room)) return Promise.reject(new ChatClientError('invalid-room', 'The room name must be 1 to 64 letters, digits, "_" or "-".', { room }));
    const existing = this.rooms.get(room);
    if (existing?.live) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (existing) return existing.joining.push({ resolve, reject });
      const entry: Room = { name: room, cursor: options.sinceId, live: false, joining: [{ resolve, reject }] };
      this.rooms.set(room, entry);
      if (this.linkOpen) this.follow(entry);
    });
  }

  /** Stops following a room; nothing more of it is emitted. */
  leave(room: string): void {
    const entry = this.rooms.get(room);
    if (!entry) return;
    this.rooms.delete(room);
    for (const w of entry.joining) w.reject(new ChatClientError('closed', 'leave() was called before the room was joined.', { room }));
    if (this.linkOpen) this.link?.unfollow(room);
  }

  /**
   * Posts a message; resolves once the server stored it, with the stored message where the transport
   * returns it (REST, Socket.IO; STOMP's RECEIPT carries none). A failure that may pass (a dropped
   * connection, no answer in time, `store-busy`, ...) is tried again with the same client-message-id,
   * up to `sendAttempts` times; a refusal rejects at once with the server's code.
   */
  async send(room: string, text: string, options: SendOptions = {}): Promise<ChatMessage | undefined> {
    const trimmed = text.trim();
    if (!ROOM_PATTERN.test(room)) throw new ChatClientError('invalid-room', 'The room name must be 1 to 64 letters, digits, "_" or "-".', { room });
    if (trimmed.length === 0 || [...trimmed].length > MAX_TEXT) {
      throw new ChatClientError('invalid-text', 'The text must be 1 to 4000 characters after trimming white space.', { room });
    }
    const clientMessageId = options.clientMessageId ?? newClientMessageId();
    const attempts = Math.max(1, this.options.sendAttempts ?? 5);
    for (let attempt = 1; ; attempt++) {
      try {
        const link = await this.whenConnected();
        return await link.post(room, trimmed, clientMessageId);
      } catch (error) {
        const failure = asChatError(error);
        if (!failure.retryable || attempt >= attempts || this.closed || !this.wanted) throw failure;
        await sleep(this.delay(attempt - 1));
      }
    }
  }

  /** Says that the user is typing (or stopped): a `typing` room event. Not over SSE or long polling. */
  async typing(room: string, typing = true): Promise<void> {
    await (await this.whenConnected()).typing(room, typing);
  }

  /** Moves the user's read marker forward: a `read` room event. Needs a signed-in (or, on STOMP, named) user. */
  async markRead(room: string, lastReadId: number): Promise<void> {
    await (await this.whenConnected()).read(room, lastReadId);
  }

  /** The author edits a message: an `edit` room event. */
  async edit(room: string, id: number, text: string): Promise<void> {
    await (await this.whenConnected()).edit(room, id, text);
  }

  /** The author (or a moderator) deletes a message: a `delete` room event; it becomes a tombstone. */
  async delete(room: string, id: number): Promise<void> {
    await (await this.whenConnected()).remove(room, id);
  }

  /** Who is in the room now, on every node and door. */
  async presence(room: string): Promise<PresenceEvent> {
    return (await this.whenConnected()).presence(room);
  }

  /** Older messages over REST, to page back: the `limit` (default 50) just below `before`. */
  async history(room: string, options: { before?: number; limit?: number } = {}): Promise<ChatMessage[]> {
    const rest = new RestClient(this.context(await this.token()));
    const url = rest.roomUrl(room, '/messages');
    if (options.before !== undefined) url.searchParams.set('before', String(options.before));
    url.searchParams.set('limit', String(options.limit ?? 50));
    return toChatMessages(await rest.request(url, { room }));
  }

  private async open(): Promise<void> {
    this.stopLink();
    const generation = ++this.generation;
    this.setState({ state: 'connecting' });
    let token: string | undefined;
    try {
      token = await this.token();
    } catch {
      if (generation === this.generation) this.lost('Could not get a token.');
      return;
    }
    if (generation !== this.generation || !this.wanted) return;
    const live = (): boolean => generation === this.generation;
    this.link = openLink(this.context(token), {
      opened: () => {
        if (!live()) return;
        this.linkOpen = true;
        this.attempt = 0;
        this.setState({ state: 'connected' });
        const waiters = [...this.connectWaiters];
        this.connectWaiters.clear();
        for (const w of waiters) w.resolve();
        for (const room of this.rooms.values()) this.follow(room);
      },
      messages: (room, messages) => {
        if (live()) this.deliver(room, messages);
      },
      event: (event) => {
        if (live() && this.rooms.has(event.room)) this.emitEvent(event);
      },
      lost: (room, error) => {
        if (live()) this.drop(room, error);
      },
      error: (error) => {
        if (live()) this.emit('error', error);
      },
      closed: (reason) => {
        if (live()) this.lost(reason);
      },
    });
  }

  private follow(room: Room): void {
    const link = this.link;
    if (!link) return;
    const generation = this.generation;
    const resumedAfter = room.cursor;
    const stale = (): boolean => generation !== this.generation || this.rooms.get(room.name) !== room;
    link.follow(room.name, room.cursor).then(
      () => {
        if (stale()) return;
        // An empty room: a resume replays from its start rather than reloading history.
        room.cursor ??= 0;
        room.live = true;
        const waiters = room.joining.splice(0);
        for (const w of waiters) w.resolve();
        this.emit('joined', { room: room.name, resumedAfter });
      },
      (error: unknown) => {
        if (stale()) return;
        const failure = asChatError(error);
        // The connection failing under the join is the connection's business: reconnect and resume.
        if (failure.retryable) {
          this.link?.close();
          return this.lost(failure.message);
        }
        this.drop(room.name, failure);
      },
    );
  }

  /** The server refused a room: a pending join rejects; a room that was joined is `removed`. */
  private drop(name: string, error: ChatClientError): void {
    const room = this.rooms.get(name);
    if (!room) return;
    this.rooms.delete(name);
    this.link?.unfollow(name);
    if (room.joining.length > 0) {
      for (const w of room.joining) w.reject(error);
      return;
    }
    this.emit('error', error);
    this.emitEvent({ type: 'removed', room: name, error: error.code, message: error.message });
  }

  private deliver(name: string, messages: ChatMessage[]): void {
    const room = this.rooms.get(name);
    if (!room) return;
    for (const message of messages) {
      if (message.room !== name) continue;
      if (room.cursor !== undefined && message.id <= room.cursor) continue;
      room.cursor = message.id;
      this.emit('message', message);
      // A listener may have left the room.
      if (this.rooms.get(name) !== room) return;
    }
  }

  private emitEvent(event: RoomEvent): void {
    this.emit('event', event);
    (this.emit as (type: RoomEventType, event: RoomEvent) => void)(event.type, event);
  }

  /** The connection ended: try again after the backoff, unless nobody wants it. */
  private lost(reason: string): void {
    // Whatever the old link still reports (calls it fails on its way down) is about a connection that is gone.
    this.generation++;
    clearTimeout(this.retryTimer);
    this.link = undefined;
    this.linkOpen = false;
    for (const room of this.rooms.values()) room.live = false;
    if (!this.wanted || this.closed || this.options.reconnect === false) {
      this.wanted = false;
      this.rejectConnectWaiters(new ChatClientError('connection-lost', reason));
      this.setState({ state: 'disconnected', reason });
      return;
    }
    const delayMs = this.delay(this.attempt++);
    this.setState({ state: 'reconnecting', reason, delayMs, attempt: this.attempt });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.open();
    }, delayMs);
  }

  private delay(attempt: number): number {
    const r = typeof this.options.reconnect === 'object' ? this.options.reconnect : {};
    return backoffDelay(attempt, Math.random, r.baseMs ?? 500, r.maxMs ?? 10_000);
  }

  private stopLink(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.generation++;
    this.link?.close();
    this.link = undefined;
    this.linkOpen = false;
    for (const room of this.rooms.values()) room.live = false;
  }

  /** The open link, waiting up to one request timeout for a reconnect in progress. */
  private whenConnected(): Promise<Link> {
    if (this.closed) return Promise.reject(new ChatClientError('closed', 'This client was closed.'));
    if (this.linkOpen && this.link) return Promise.resolve(this.link);
    if (!this.wanted) return Promise.reject(new ChatClientError('not-connected', 'Not connected: call connect() first.'));
    return new Promise<Link>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(timer);
          if (this.link) resolve(this.link);
          else reject(new ChatClientError('not-connected', 'The connection dropped again.'));
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.connectWaiters.delete(waiter);
        reject(new ChatClientError('not-connected', 'Not connected; the connection is not back yet.'));
      }, this.options.requestTimeoutMs ?? 10_000);
      this.connectWaiters.add(waiter);
    });
  }

  private rejectConnectWaiters(error: ChatClientError): void {
    const waiters = [...this.connectWaiters];
    this.connectWaiters.clear();
    for (const w of waiters) w.reject(error);
  }

  private async token(): Promise<string | undefined> {
    const token = this.options.token;
    return typeof token === 'function' ? await token() : token;
  }

  private context(token: string | undefined): LinkContext {
    const o = this.options;
    return {
      kind: this.kind,
      base: this.base,
      name: o.name,
      token,
      platform: {
        fetch: o.fetch ?? ((input, init) => fetch(input, init)),
        ...(o.WebSocket && { WebSocket: o.WebSocket }),
        ...(o.SockJS && { SockJS: o.SockJS }),
        ...(o.io && { io: o.io }),
      },
      historyLimit: Math.min(Math.max(o.historyLimit ?? 50, 1), 500),
      requestTimeoutMs: o.requestTimeoutMs ?? 10_000,
    };
  }

  private setState(change: StateChange): void {
    if (change.state === this.current && change.state !== 'reconnecting') return;
    this.current = change.state;
    this.emit('state', change);
  }
}
