import { Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import {
  followRefusal,
  isChatError,
  renderReadMarker,
  renderStoredMessage,
  type ChatApi,
  type ChatError,
  type FollowOptions,
  type ReadMarkers,
  type RoomFollow,
  type RoomPresence,
  type RoomTyping,
} from '@app/chat';
import type { BrokerMessage, ClusterUserRegistry } from '@app/messaging';
import type { TransportCounters } from '@app/observability';
import { SendLimit, TokenBucket, onPrincipalExpiry, type Principal, type SendLimits } from '@app/stomp-session';
import { joinRequest, leaveRequest, postRequest, readRequest, typingRequest } from './socketio-payloads';
import { SocketIoSendBuffer } from './socketio-send-buffer';

/** SEND_BUFFER_BYTES / SEND_TIME_LIMIT_MS (the one slow-consumer rule), the rate limit, the rooms cap. */
export interface SocketIoLimits extends SendLimits {
  ratePerSec: number;
  burst: number;
  /** Rooms one connection may have joined at once (MAX_SUBSCRIPTIONS). */
  maxRooms: number;
}

/** What every session of the door shares. */
export interface SocketIoServices {
  chat: ChatApi;
  reads: ReadMarkers;
  presence: RoomPresence;
  typing: RoomTyping;
  users: ClusterUserRegistry;
  counters: TransportCounters;
  limits: SocketIoLimits;
}

type Ack = (answer: unknown) => void;
type Answer = Record<string, unknown>;

const OK = Object.freeze({ ok: true });
/** The key under which a broker message keeps its parsed body, parsed once for every Socket.IO client. */
const PARSED = 'socketio-json';

interface JoinedRoom {
  follow: RoomFollow;
  events: RoomFollow;
  leavePresence: () => void;
}

const logger = new Logger('SocketIo');

/**
 * One Socket.IO connection of the chat: the rooms it joined (each a chat follow, so `sinceId` replays what
 * was missed and then goes live with no gap and no duplicate, plus the room's events from the broker),
 * its rate limit, and its send buffer. Every handler answers through the client's ack when it gave one;
 * nothing a client sends can throw out of a handler.
 */
export class SocketIoSession {
  private readonly rooms = new Map<string, JoinedRoom>();
  private readonly bucket: TokenBucket;
  private readonly sendBuffer: SocketIoSendBuffer;
  private readonly sendLimit: SendLimit;
  private readonly cancelExpiry: () => void;
  private readonly cancelDisconnect: () => void;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly principal: Principal | undefined,
    private readonly services: SocketIoServices,
    private readonly onClosed: (session: SocketIoSession, reason: string) => void,
  ) {
    const { limits, users } = services;
    this.bucket = new TokenBucket(limits.ratePerSec, limits.burst);
    this.sendBuffer = new SocketIoSendBuffer(socket.conn);
    this.sendLimit = new SendLimit(limits, () => this.sendBuffer.bytes, () => this.dropSlow());
    this.on('join', (payload) => this.join(payload));
    this.on('leave', (payload) => this.leave(payload));
    this.on('message', (payload) => this.post(payload));
    this.on('typing', (payload) => this.typing(payload));
    this.on('read', (payload) => this.read(payload));
    socket.on('disconnect', (reason) => this.dispose(String(reason)));
    this.cancelExpiry = onPrincipalExpiry(principal, () => this.end('token expired'));
    this.cancelDisconnect = principal ? users.whenDisconnected(principal.name, () => this.end('disconnected')) : () => undefined;
  }

  get id(): string {
    return this.socket.id;
  }

  get user(): string | undefined {
    return this.principal?.name;
  }

  /** Ends the connection from the server's side; the client is told (`io server disconnect`) and does not retry by itself. */
  end(reason: string): void {
    if (this.closed) return;
    this.socket.disconnect(true);
    this.dispose(reason);
  }

  private on(event: string, handle: (payload: unknown) => Answer | Promise<Answer>): void {
    this.socket.on(event, (...args: unknown[]) => {
      if (this.closed) return;
      this.services.counters.framesIn++;
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (last as Ack) : undefined;
      const payload = ack && args.length === 1 ? undefined : args[0];
      // One async step, so a synchronous throw and a rejection end up in the same place.
      (async () => handle(payload))().then(
        (answer) => this.answer(ack, answer),
        (error: unknown) => this.answer(ack, this.errorAnswer(error, event)),
      );
    });
  }

  private answer(ack: Ack | undefined, answer: Answer): void {
    if (!ack || this.closed) return;
    this.services.counters.framesOut++;
    ack(answer);
  }

  private errorAnswer(error: unknown, event: string): Answer {
    if (isChatError(error)) return error.toJSON();
    logger.error({ msg: `handling a Socket.IO '${event}' failed: ${String(error)}`, sessionId: this.socket.id, user: this.user, door: 'socketio' });
    return { error: 'internal-error', message: 'The server failed to handle the request.' };
  }

  private async join(payload: unknown): Promise<Answer> {
    const { room, sinceId } = joinRequest(payload);
    if (this.rooms.has(room)) return OK;
    const { chat, presence, counters, limits } = this.services;
    if (this.rooms.size >= limits.maxRooms) {
      return { error: 'too-many-subscriptions', message: `A connection may be in at most ${limits.maxRooms} rooms; leave one first.` };
    }
    // For this principal (#13): a private room is `not-found` to anyone else, and the room is left by
    // itself when they may no longer read it.
    const options: FollowOptions = { caller: this.principal, onRevoked: (reason) => this.revoked(room, reason) };
    const follow = chat.followRoom(room, sinceId, (message) => this.emit('message', message), options);
    let events: RoomFollow;
    try {
      events = chat.followEvents(room, (message) => this.emit('event', message), options);
    } catch (error) {
      follow.stop();
      throw error;
    }
    const leavePresence = this.principal ? presence.enter(room, this.principal.name) : () => undefined;
    this.rooms.set(room, { follow, events, leavePresence });
    counters.subscriptions++;
    // The ack promises what a STOMP RECEIPT does: from now on nothing posted to the room is missed.
    await Promise.all([follow.ready, events.ready]);
    return OK;
  }

  private leave(payload: unknown): Answer {
    const { room } = leaveRequest(payload);
    this.drop(room);
    return OK;
  }

  private async post(payload: unknown): Promise<Answer> {
    const { room, text, from, clientMessageId } = postRequest(payload);
    const { chat, counters } = this.services;
    if (!this.bucket.take()) {
      counters.rateLimited++;
      return { error: 'rate-limited', message: 'Too many messages; slow down.' };
    }
    const stored = await chat.post({ room, from, text, ...(clientMessageId !== undefined && { clientMessageId }) }, this.principal);
    counters.messagesIn++;
    return { ...renderStoredMessage(stored) };
  }

  private typing(payload: unknown): Answer {
    const { room, typing } = typingRequest(payload);
    if (!this.principal) return { error: 'invalid-from', message: 'Typing needs a name: connect with auth.login or a token.' };
    this.services.typing.typing(room, this.principal, typing);
    return OK;
  }

  /** The caller's read marker, only ever forward (#13); the ack is the marker as it stands. */
  private async read(payload: unknown): Promise<Answer> {
    const { room, lastReadId } = readRequest(payload);
    return { ...renderReadMarker(await this.services.reads.mark(room, lastReadId, this.principal)) };
  }

  /** The principal may no longer read the room (removed from it, the room made private, banned): it is left, and said so. */
  private revoked(room: string, reason: ChatError): void {
    if (!this.rooms.has(room)) return;
    this.drop(room);
    if (this.closed) return;
    this.services.counters.framesOut++;
    this.socket.emit('event', { type: 'removed', room, ...followRefusal(reason, `room ${room}`) });
  }

  /** A stored message (event `message`) or a room event (event `event`), its body parsed once for all. */
  private emit(event: 'message' | 'event', message: BrokerMessage): void {
    if (this.closed) return;
    let body = message.encodings.get(PARSED);
    if (body === undefined) {
      try {
        body = JSON.parse(message.body.toString('utf8')) as unknown;
      } catch {
        return;
      }
      message.encodings.set(PARSED, body);
    }
    const { counters } = this.services;
    if (event === 'message') counters.messagesOut++;
    counters.framesOut++;
    this.socket.emit(event, body);
    this.sendLimit.written();
  }

  /**
   * A client that does not read costs the server memory every other client would pay for. A clean
   * disconnect would wait behind the very bytes that are not moving, so the socket under it is cut.
   */
  private dropSlow(): void {
    if (this.closed) return;
    this.services.counters.slowConsumerDisconnects++;
    logger.warn({ msg: 'slow consumer: dropped', sessionId: this.socket.id, user: this.user, door: 'socketio', bufferedBytes: this.sendBuffer.bytes });
    const conn = this.socket.conn;
    this.dispose('slow consumer');
    this.socket.disconnect(true);
    // Discarding drops the engine's queue at once (a polling client's next request finds no session)...
    conn.close(true);
    // ...and a websocket's close handshake would wait behind the unread bytes: the TCP socket goes now.
    if (conn.transport.name === 'websocket') {
      (conn.transport as unknown as { socket?: { terminate?: () => void } }).socket?.terminate?.();
    }
  }

  private drop(room: string): void {
    const joined = this.rooms.get(room);
    if (!joined) return;
    this.rooms.delete(room);
    joined.follow.stop();
    joined.events.stop();
    joined.leavePresence();
    this.services.counters.subscriptions--;
  }

  private dispose(reason: string): void {
    if (this.closed) return;
    for (const room of [...this.rooms.keys()]) this.drop(room);
    this.closed = true;
    this.sendLimit.stop();
    this.cancelExpiry();
    this.cancelDisconnect();
    this.onClosed(this, reason);
  }
}
