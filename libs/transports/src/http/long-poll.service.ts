import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { CHAT_API, chatIdOf, renderStoredMessage, validateRoom, type Caller, type ChatApi, type ChatError } from '@app/chat';
import type { BrokerMessage } from '@app/messaging';
import { ChatMetrics, type TransportCounters } from '@app/observability';
import { ConnectionCap } from '../connection-cap';
import { HTTP_TRANSPORT_OPTIONS, type HttpTransportOptions } from './http-transport-options';
import { sendError } from './send-error';

const EMPTY = Buffer.from('[]');
const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** One held poll: a follower on the room, a deadline timer, and what arrived so far. */
interface Waiter {
  readonly res: ServerResponse;
  readonly bodies: Buffer[];
  lastId: number;
  timer?: NodeJS.Timeout;
  stop?: () => void;
  /** Frees the poll's slot under MAX_CONNECTIONS_PER_IP. */
  release: () => void;
  flushQueued: boolean;
  done: boolean;
}

/**
 * Long polling over the chat service. A poll with messages already newer than `after` is answered at
 * once; otherwise it becomes a follower of the room (chat.follow) and a timer, and costs nothing until
 * a message or the deadline wakes it. Deliveries of one tick are answered together. A held poll holds
 * one of its client's MAX_CONNECTIONS_PER_IP slots (429 past it); one answered at once does not.
 */
@Injectable()
export class LongPollService implements BeforeApplicationShutdown {
  private readonly waiters = new Set<Waiter>();
  private readonly counters: TransportCounters;

  constructor(
    @Inject(CHAT_API) private readonly chat: ChatApi,
    metrics: ChatMetrics,
    @Inject(HTTP_TRANSPORT_OPTIONS) private readonly options: HttpTransportOptions,
    private readonly cap: ConnectionCap,
  ) {
    this.counters = metrics.forDoor('long-poll');
  }

  /** Polls held right now. */
  get waiting(): number {
    return this.waiters.size;
  }

  /**
   * Answers `res` with the messages of `room` newer than `after` (live only when undefined), waiting up
   * to `timeoutSec`, and never past the caller's token's `expiresAt`. Throws ChatError (before anything is
   * written) for a bad room or one the caller may not read, HttpError 429 when the caller's address holds
   * too many connections; a held poll whose caller loses the room is answered with that refusal.
   */
  async poll(
    room: string,
    after: number | undefined,
    timeoutSec: number,
    res: ServerResponse,
    caller?: Caller & { expiresAt?: number },
  ): Promise<void> {
    validateRoom(room);
    const expiresAt = caller?.expiresAt;
    if (after !== undefined) {
      const ready = await this.chat.messages(room, { after, limit: this.options.pollMaxMessages }, caller);
      if (ready.length > 0) {
        this.counters.messagesOut += ready.length;
        return send(res, Buffer.from(JSON.stringify(ready.map(renderStoredMessage))));
      }
    }
    if (res.destroyed || res.writableEnded) return;
    const holdMs = Math.min(timeoutSec * 1000, expiresAt === undefined ? Infinity : Math.max(0, expiresAt - Date.now()));
    this.hold(room, after ?? 0, after === undefined, holdMs, res, caller);
  }

  beforeApplicationShutdown(): void {
    for (const waiter of [...this.waiters]) this.finish(waiter);
  }

  private hold(room: string, after: number, liveOnly: boolean, holdMs: number, res: ServerResponse, caller: Caller | undefined): void {
    const release = this.cap.holdOrRefuse(res.req);
    const waiter: Waiter = { res, bodies: [], lastId: after, flushQueued: false, done: false, release };
    try {
      // Asked before the waiter is held: a refusal (a private room) goes to the caller's error filter.
      waiter.stop = this.chat.follow(room, liveOnly ? undefined : after, (m) => this.deliver(waiter, m), {
        caller,
        onRevoked: (reason) => this.refuse(waiter, reason),
      });
    } catch (error) {
      release();
      throw error;
    }
    this.waiters.add(waiter);
    this.counters.connections++;
    res.on('close', () => this.finish(waiter));
    waiter.timer = setTimeout(() => this.finish(waiter), holdMs);
  }

  /** The caller may no longer read the room: the held poll is answered as a new one would be (404, or 403 `banned`). */
  private refuse(waiter: Waiter, reason: ChatError): void {
    if (waiter.done) return;
    waiter.bodies.length = 0;
    const { res } = waiter;
    this.finish(waiter, true);
    if (res.destroyed || res.writableEnded) return;
    sendError(res, reason.status, reason.toJSON());
  }

  private deliver(waiter: Waiter, message: BrokerMessage): void {
    if (waiter.done) return;
    const id = chatIdOf(message);
    if (id === undefined || id <= waiter.lastId) return;
    waiter.lastId = id;
    waiter.bodies.push(message.body);
    if (waiter.bodies.length >= this.options.pollMaxMessages) return this.finish(waiter);
    if (!waiter.flushQueued) {
      waiter.flushQueued = true;
      // Messages published in the same tick (one group commit) go out in one answer.
      setImmediate(() => this.finish(waiter));
    }
  }

  /** Answers with what arrived (or `[]`) unless the client is gone (or `silent`), and forgets the waiter. */
  private finish(waiter: Waiter, silent = false): void {
    if (waiter.done) return;
    waiter.done = true;
    this.waiters.delete(waiter);
    this.counters.connections--;
    clearTimeout(waiter.timer);
    waiter.stop?.();
    waiter.release();
    const { res, bodies } = waiter;
    if (silent || res.destroyed || res.writableEnded) return;
    this.counters.messagesOut += bodies.length;
    send(res, bodies.length === 0 ? EMPTY : Buffer.concat([OPEN, ...join(bodies), CLOSE]));
  }
}

function join(bodies: Buffer[]): Buffer[] {
  const parts: Buffer[] = [];
  bodies.forEach((body, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(body);
  });
  return parts;
}

function send(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
