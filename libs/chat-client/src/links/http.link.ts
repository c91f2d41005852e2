import { ChatClientError, errorFromBody } from '../errors';
import { parseJson, parseMessages, toChatMessages, toRoomEvent } from '../wire';
import type { ChatMessage } from '../types';
import type { Link, LinkContext, LinkEvents } from './link';
import { deadline, RestClient } from './rest';
import { SseParser } from './sse-reader';

/** The server sends a comment at least every 15 s: a stream silent for this long is dead. */
const SSE_IDLE_MS = 45_000;
const POLL_SECONDS = 25;
/** A held poll that outlives the server's own timeout by this much is treated as a dead network. */
const POLL_GRACE_MS = 10_000;

interface Feed {
  abort: AbortController;
}

/** Refusals that mean "this room is not for you (any more)", not "the network". */
const LOST = new Set(['not-found', 'forbidden', 'banned']);

/**
 * Server-Sent Events or long polling for a room's feed, REST for everything sent (docs/http.md). There
 * is no session: the link counts as open at once, and each followed room has its own stream or poll.
 * A feed that fails for any reason but a refusal takes the link down with it, so that the ChatClient
 * resumes every room the same way after its backoff.
 */
export function openHttpLink(ctx: LinkContext, on: LinkEvents): Link {
  const rest = new RestClient(ctx);
  const feeds = new Map<string, Feed>();
  let done = false;

  const finish = (reason: string): void => {
    if (done) return;
    done = true;
    for (const feed of feeds.values()) feed.abort.abort();
    feeds.clear();
    on.closed(reason);
  };
  queueMicrotask(() => {
    if (!done) on.opened();
  });

  const live = (room: string, feed: Feed): boolean => !done && feeds.get(room) === feed;

  /** A running feed ended: aborted by us (nothing to say), refused (the room is lost), or broken. */
  const ended = (room: string, feed: Feed, error: unknown): void => {
    if (!live(room, feed)) return;
    feeds.delete(room);
    if (error instanceof ChatClientError && LOST.has(error.code)) return on.lost(room, error);
    finish(error instanceof ChatClientError ? error.message : 'The feed ended.');
  };

  const openSse = async (room: string, after: number, feed: Feed): Promise<() => Promise<void>> => {
    const url = rest.url(`/sse/rooms/${encodeURIComponent(room)}`);
    url.searchParams.set('lastEventId', String(after));
    const time = deadline(ctx.requestTimeoutMs, feed.abort.signal);
    let res: Response;
    try {
      res = await ctx.platform.fetch(url, { headers: rest.headers({ accept: 'text/event-stream' }), cache: 'no-store', signal: time.signal });
    } catch {
      throw new ChatClientError(time.expired() ? 'timeout' : 'connection-lost', 'Could not open the event stream.', { room });
    } finally {
      time.done();
    }
    if (!res.ok || !res.body) {
      // A refusal's body is JSON like any other HTTP answer's.
      const body = parseJson(await res.text().catch(() => ''));
      const unavailable = res.status >= 502 && res.status <= 504;
      throw errorFromBody(body, { room, status: res.status }) ??
        new ChatClientError(unavailable ? 'connection-lost' : 'protocol-error', `The event stream answered ${res.status}.`, { room, status: res.status });
    }
    const reader = res.body.getReader();
    return async () => {
      const decoder = new TextDecoder();
      const parser = new SseParser();
      let idle: ReturnType<typeof setTimeout> | undefined;
      const awake = (): void => {
        clearTimeout(idle);
        idle = setTimeout(() => feed.abort.abort(), SSE_IDLE_MS);
      };
      feed.abort.signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined));
      try {
        for (awake(); ; awake()) {
          const { value, done: end } = await reader.read();
          if (end) throw new ChatClientError('connection-lost', 'The event stream ended.', { room });
          for (const e of parser.push(decoder.decode(value, { stream: true }))) {
            if (!live(room, feed)) return;
            if (e.event === 'message') on.messages(room, parseMessages(e.data));
            else {
              const event = toRoomEvent(parseJson(e.data), room);
              if (event) on.event(event);
            }
          }
        }
      } finally {
        clearTimeout(idle);
      }
    };
  };

  const runPoll = async (room: string, after: number, feed: Feed): Promise<void> => {
    let cursor = after;
    while (live(room, feed)) {
      const url = rest.roomUrl(room, '/poll');
      url.searchParams.set('after', String(cursor));
      url.searchParams.set('timeout', String(POLL_SECONDS));
      const messages = toChatMessages(await rest.request(url, { room, signal: feed.abort.signal, timeoutMs: POLL_SECONDS * 1000 + POLL_GRACE_MS }));
      if (!live(room, feed)) return;
      if (messages.length > 0) {
        cursor = Math.max(cursor, messages[messages.length - 1]!.id);
        on.messages(room, messages);
      }
    }
  };

  const deliver = (room: string, feed: Feed, messages: ChatMessage[], after: number | undefined): number => {
    if (live(room, feed) && messages.length > 0) on.messages(room, messages);
    return messages.length > 0 ? Math.max(after ?? 0, messages[messages.length - 1]!.id) : (after ?? 0);
  };

  const notConnected = (): never => {
    throw new ChatClientError('not-connected', 'Not connected; wait for the connection to come back.');
  };

  return {
    async follow(room, sinceId) {
      if (done) notConnected();
      feeds.get(room)?.abort.abort();
      const feed: Feed = { abort: new AbortController() };
      feeds.set(room, feed);
      try {
        if (ctx.kind === 'sse') {
          // History (or nothing, when resuming), then the stream replays from there.
          const after = sinceId ?? deliver(room, feed, await rest.messages(room, undefined, feed.abort.signal), undefined);
          const read = await openSse(room, after, feed);
          if (!live(room, feed)) return;
          read().catch((error: unknown) => ended(room, feed, error));
          return;
        }
        // A short GET of the history (or of what was missed) proves the server is reachable before a held poll.
        const after = deliver(room, feed, await rest.messages(room, sinceId, feed.abort.signal), sinceId);
        if (!live(room, feed)) return;
        runPoll(room, after, feed).catch((error: unknown) => ended(room, feed, error));
      } catch (error) {
        if (feeds.get(room) === feed) {
          feeds.delete(room);
          feed.abort.abort();
        }
        throw error;
      }
    },
    unfollow(room) {
      feeds.get(room)?.abort.abort();
      feeds.delete(room);
    },
    post: (room, text, clientMessageId) => (done ? notConnected() : rest.post(room, text, clientMessageId)),
    typing: async (room) => {
      throw new ChatClientError('unsupported', `Typing is not carried over ${ctx.kind}.`, { room });
    },
    read: (room, lastReadId) => rest.read(room, lastReadId),
    edit: (room, id, text) => rest.edit(room, id, text),
    remove: (room, id) => rest.remove(room, id),
    presence: (room) => rest.presence(room),
    close() {
      if (done) return;
      done = true;
      for (const feed of feeds.values()) feed.abort.abort();
      feeds.clear();
    },
  };
}
