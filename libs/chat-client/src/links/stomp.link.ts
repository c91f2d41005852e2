import { Client, type IMessage, type IStompSocket, type StompHeaders, type StompSubscription } from '@stomp/stompjs';
import { ChatClientError, errorFromBody } from '../errors';
import { parseJson, parseMessages, toRoomEvent } from '../wire';
import type { PresenceEvent } from '../types';
import type { Link, LinkContext, LinkEvents, WebSocketLike } from './link';
import { guardSockJsCallbacks } from './sockjs-callback-guard';

interface Pending {
  room: string | undefined;
  resolve(body: string): void;
  reject(error: ChatClientError): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Followed {
  subscriptions: StompSubscription[];
}

async function socketFactory(ctx: LinkContext): Promise<() => IStompSocket> {
  if (ctx.kind === 'websocket') {
    const url = new URL('/chat', ctx.base);
    url.protocol = ctx.base.protocol === 'https:' ? 'wss:' : 'ws:';
    const WebSocketImpl = ctx.platform.WebSocket ?? (globalThis as unknown as { WebSocket?: WebSocketLike }).WebSocket;
    if (!WebSocketImpl) throw new Error('this platform has no WebSocket: pass options.WebSocket (in Node, the ws package)');
    return () => new WebSocketImpl(url.href, ['v12.stomp', 'v11.stomp', 'v10.stomp']) as IStompSocket;
  }
  // SockJS is only loaded by clients that pick it.
  const SockJS = ctx.platform.SockJS ?? (await import('sockjs-client')).default;
  if (typeof window !== 'undefined') guardSockJsCallbacks();
  // One forced transport has nothing to fall back to: give it seconds to open, not sockjs-client's
  // ~0.6 s derived from the /info round trip, which a busy machine or a slow network can exceed.
  const forced = ctx.kind === 'sockjs' ? undefined : { transports: [ctx.kind.slice('sockjs-'.length)], timeout: FORCED_TRANSPORT_TIMEOUT_MS };
  const url = new URL('/chat', ctx.base).href;
  return () => new SockJS(url, undefined, forced) as IStompSocket;
}

const FORCED_TRANSPORT_TIMEOUT_MS = 5_000;

/** An ERROR frame's `message` header, as a code a program can act on. */
function stompErrorCode(message: string): string {
  if (/shutting down/i.test(message)) return 'shutting-down';
  if (/token|auth|passcode|unauthori/i.test(message)) return 'unauthorized';
  return 'protocol-error';
}

/**
 * STOMP over a WebSocket or a SockJS session (docs/destinations.md). A room is followed with its
 * history first (`/app/rooms/{room}/history`), then `/topic/rooms/{room}` with `since-id` = the last
 * id, or straight from `since-id` when resuming, and `/topic/rooms/{room}/events`. Every frame carries a
 * receipt, so each call ends with its RECEIPT, or with its refusal from /user/queue/errors (which names
 * the receipt). stompjs's own reconnect is off: the ChatClient owns backoff for every transport alike.
 */
export function openStompLink(ctx: LinkContext, on: LinkEvents): Link {
  const pending = new Map<string, Pending>();
  const followed = new Map<string, Followed>();
  let client: Client | undefined;
  let done = false;
  let receipts = 0;

  const settle = (receipt: string, outcome: string | ChatClientError): void => {
    const p = pending.get(receipt);
    if (!p) return;
    pending.delete(receipt);
    clearTimeout(p.timer);
    if (typeof outcome === 'string') p.resolve(outcome);
    else p.reject(outcome);
  };
  const settleAll = (error: ChatClientError): void => {
    for (const receipt of [...pending.keys()]) settle(receipt, error);
  };
  const finish = (reason: string): void => {
    if (done) return;
    done = true;
    settleAll(new ChatClientError('connection-lost', 'The connection dropped before the server answered.'));
    followed.clear();
    void client?.deactivate();
    on.closed(reason);
  };

  /** A new receipt id, and the promise that its RECEIPT (or a reply) settles. */
  const expect = (room?: string): { receipt: string; answered: Promise<string> } => {
    const receipt = `r-${++receipts}`;
    const answered = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => settle(receipt, new ChatClientError('timeout', 'The server did not answer in time.', { ...(room !== undefined && { room }) })),
        ctx.requestTimeoutMs,
      );
      pending.set(receipt, { room, resolve, reject, timer });
    });
    return { receipt, answered };
  };

  const connected = (): Client => {
    if (done || !client?.connected) throw new ChatClientError('not-connected', 'Not connected; wait for the connection to come back.');
    return client;
  };

  /** A SEND answered by its RECEIPT. */
  const send = async (room: string, destination: string, body: unknown, headers: StompHeaders = {}): Promise<void> => {
    const c = connected();
    const { receipt, answered } = expect(room);
    c.watchForReceipt(receipt, () => settle(receipt, ''));
    c.publish({ destination, body: JSON.stringify(body), headers: { ...headers, receipt, 'content-type': 'application/json' } });
    await answered;
  };

  /** An /app subscription's one reply (history, presence). */
  const reply = async (room: string, destination: string, headers: StompHeaders = {}): Promise<string> => {
    const c = connected();
    const { receipt, answered } = expect(room);
    const subscription = c.subscribe(destination, (m: IMessage) => settle(receipt, m.body), { ...headers, receipt });
    try {
      return await answered;
    } finally {
      if (!done && c.connected) subscription.unsubscribe();
    }
  };

  /** A topic subscription, live once its RECEIPT arrived. */
  const subscribe = (c: Client, room: string, destination: string, handle: (m: IMessage) => void, headers: StompHeaders = {}) => {
    const { receipt, answered } = expect(room);
    c.watchForReceipt(receipt, () => settle(receipt, ''));
    const subscription = c.subscribe(destination, handle, { ...headers, receipt });
    return { subscription, live: answered };
  };

  const roomOf = (destination: string | undefined): string | undefined => {
    const m = destination === undefined ? null : /^\/(?:topic|app)\/rooms\/([A-Za-z0-9_-]{1,64})(?:\/[a-z]+)?$/.exec(destination);
    return m?.[1];
  };

  const onError = (m: IMessage): void => {
    const body = parseJson(m.body) as { receiptId?: unknown; destination?: unknown } | undefined;
    const answering = typeof body?.receiptId === 'string' ? pending.get(body.receiptId) : undefined;
    // The room of the call refused, or of the destination a rule refused.
    const room = answering?.room ?? roomOf(typeof body?.destination === 'string' ? body.destination : undefined);
    const error =
      errorFromBody(body, { ...(room !== undefined && { room }) }) ?? new ChatClientError('protocol-error', 'The server refused a frame.');
    if (answering) return settle(body!.receiptId as string, error);
    // A subscription the server ended (the user may no longer read the room): nothing more comes on it.
    if (room !== undefined && followed.has(room) && error.code === 'forbidden') {
      followed.delete(room);
      return on.lost(room, error);
    }
    on.error(error);
  };

  socketFactory(ctx).then(
    (factory) => {
      if (done) return;
      const c = new Client({
        webSocketFactory: factory,
        connectHeaders: {
          ...(ctx.name !== undefined && { login: ctx.name }),
          ...(ctx.token !== undefined && { passcode: ctx.token }),
        },
        reconnectDelay: 0,
        connectionTimeout: ctx.requestTimeoutMs,
        heartbeatIncoming: 10_000,
        heartbeatOutgoing: 10_000,
        onConnect: () => {
          if (done) return;
          c.subscribe('/user/queue/errors', onError);
          on.opened();
        },
        onStompError: (frame) => {
          const message = frame.headers.message ?? 'The server ended the session.';
          on.error(new ChatClientError(stompErrorCode(message), message));
        },
        onWebSocketClose: () => finish('The connection closed.'),
        onWebSocketError: () => finish('The connection failed.'),
      });
      client = c;
      c.activate();
    },
    (error: unknown) => finish(error instanceof Error ? error.message : 'Could not load the SockJS client.'),
  );

  const unfollow = (room: string): void => {
    const entry = followed.get(room);
    followed.delete(room);
    if (!entry || done || !client?.connected) return;
    for (const subscription of entry.subscriptions) subscription.unsubscribe();
  };

  return {
    async follow(room, sinceId) {
      const c = connected();
      const entry: Followed = { subscriptions: [] };
      followed.set(room, entry);
      const current = (): boolean => followed.get(room) === entry;
      try {
        let after = sinceId;
        if (after === undefined) {
          const history = parseMessages(await reply(room, `/app/rooms/${room}/history`, { limit: String(ctx.historyLimit) }));
          if (!current()) return;
          on.messages(room, history);
          after = history.length > 0 ? history[history.length - 1]!.id : 0;
        }
        const feed = subscribe(c, room, `/topic/rooms/${room}`, (m) => current() && on.messages(room, parseMessages(m.body)), { 'since-id': String(after) });
        const events = subscribe(c, room, `/topic/rooms/${room}/events`, (m) => {
          const event = current() ? toRoomEvent(parseJson(m.body), room) : undefined;
          if (event) on.event(event);
        });
        entry.subscriptions.push(feed.subscription, events.subscription);
        await Promise.all([feed.live, events.live]);
      } catch (error) {
        if (current()) unfollow(room);
        throw error;
      }
    },
    unfollow,
    post: async (room, text, clientMessageId) => {
      await send(room, `/app/rooms/${room}`, { text, ...(ctx.name !== undefined && { from: ctx.name }) }, { 'client-message-id': clientMessageId });
      return undefined;
    },
    typing: (room, typing) => send(room, `/app/rooms/${room}/typing`, { typing }),
    read: (room, lastReadId) => send(room, `/app/rooms/${room}/read`, { lastReadId }),
    edit: (room, id, text) => send(room, `/app/rooms/${room}/edit`, { id, text }),
    remove: (room, id) => send(room, `/app/rooms/${room}/delete`, { id }),
    async presence(room) {
      const event = toRoomEvent(parseJson(await reply(room, `/app/rooms/${room}/presence`)), room);
      if (event?.type !== 'presence') throw new ChatClientError('protocol-error', 'The presence answer is not a presence snapshot.', { room });
      return event as PresenceEvent;
    },
    close() {
      if (done) return;
      done = true;
      settleAll(new ChatClientError('closed', 'The connection was closed before the server answered.'));
      followed.clear();
      void client?.deactivate();
    },
  };
}
