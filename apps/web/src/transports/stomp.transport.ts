import { Client, type IMessage, type IStompSocket } from '@stomp/stompjs';
import { parseMessages } from '../chat-message';
import { guardSockJsCallbacks } from './sockjs-callback-guard';
import { SEND_TIMEOUT_MS, SendError, type FeedHandlers, type RoomConnection, type RoomOptions, type TransportKind } from './transport';

interface Pending {
  resolve(): void;
  reject(error: SendError): void;
  timer: ReturnType<typeof setTimeout>;
}

/** SockJS is only downloaded by pages that pick one of its transports. */
async function socketFactory(kind: TransportKind, base: URL): Promise<() => IStompSocket> {
  if (kind === 'websocket') {
    const url = new URL('/chat', base);
    url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    // stompjs offers the v12/v11/v10.stomp sub-protocols itself when given a URL.
    return () => new WebSocket(url, ['v12.stomp', 'v11.stomp', 'v10.stomp']) as IStompSocket;
  }
  const { default: SockJS } = await import('sockjs-client');
  guardSockJsCallbacks();
  const forced = kind === 'sockjs' ? undefined : { transports: [kind.slice('sockjs-'.length)] };
  const url = new URL('/chat', base).href;
  return () => new SockJS(url, undefined, forced) as unknown as IStompSocket;
}

/**
 * STOMP over a WebSocket or a SockJS session. First connection: history from
 * `/app/rooms/{room}/history`, then `/topic/rooms/{room}` with `since-id` = the last history id. On a
 * reconnect straight to the topic with `since-id` = the last id shown, so the server replays the gap.
 * The client's own reconnect is off: the page owns backoff for every transport alike.
 */
export function connectStomp(kind: TransportKind, opts: RoomOptions, h: FeedHandlers): RoomConnection {
  const pending = new Map<string, Pending>();
  let client: Client | undefined;
  let done = false;
  let receipts = 0;

  const settle = (receipt: string, error?: SendError): void => {
    const p = pending.get(receipt);
    if (!p) return;
    pending.delete(receipt);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve();
  };
  const finish = (reason: string): void => {
    if (done) return;
    done = true;
    for (const receipt of [...pending.keys()]) settle(receipt, new SendError('The connection dropped before the server confirmed the message; send it again.'));
    void client?.deactivate();
    h.onClose(reason);
  };

  const followTopic = (c: Client, sinceId: number): void => {
    c.subscribe(`/topic/rooms/${opts.room}`, (m: IMessage) => h.onMessages(parseMessages(m.body)), { 'since-id': String(sinceId) });
    h.onOpen();
  };

  const onConnect = (c: Client): void => {
    c.subscribe('/user/queue/errors', (m: IMessage) => {
      let error: { message?: unknown; receiptId?: unknown } = {};
      try {
        error = JSON.parse(m.body) as typeof error;
      } catch {
        /* shown as a generic sentence below */
      }
      const text = typeof error.message === 'string' ? error.message : 'The server refused the message.';
      if (typeof error.receiptId === 'string' && pending.has(error.receiptId)) settle(error.receiptId, new SendError(text));
      else h.onNotice(text);
    });
    if (opts.sinceId !== undefined) {
      followTopic(c, opts.sinceId);
      return;
    }
    const history = c.subscribe(`/app/rooms/${opts.room}/history`, (m: IMessage) => {
      history.unsubscribe();
      const messages = parseMessages(m.body);
      h.onMessages(messages);
      followTopic(c, messages.length > 0 ? messages[messages.length - 1].id : 0);
    });
  };

  socketFactory(kind, opts.base).then(
    (factory) => {
      if (done) return;
      const c = new Client({
        webSocketFactory: factory,
        connectHeaders: opts.name ? { login: opts.name } : {},
        reconnectDelay: 0,
        connectionTimeout: 10_000,
        heartbeatIncoming: 10_000,
        heartbeatOutgoing: 10_000,
        onConnect: () => onConnect(c),
        onStompError: (frame) => h.onNotice(frame.headers.message ?? 'The server closed the session.'),
        onWebSocketClose: () => finish('The connection closed.'),
        onWebSocketError: () => finish('The connection failed.'),
      });
      client = c;
      c.activate();
    },
    () => finish('Could not load the SockJS client.'),
  );

  return {
    send(text, clientMessageId) {
      const c = client;
      if (done || !c?.connected) return Promise.reject(new SendError('Not connected; wait for the connection to come back.'));
      const receipt = `send-${++receipts}`;
      const acknowledged = new Promise<undefined>((resolve, reject) => {
        const timer = setTimeout(() => settle(receipt, new SendError('The server did not confirm the message in time.')), SEND_TIMEOUT_MS);
        pending.set(receipt, { resolve: () => resolve(undefined), reject, timer });
      });
      c.watchForReceipt(receipt, () => settle(receipt));
      c.publish({
        destination: `/app/rooms/${opts.room}`,
        body: JSON.stringify({ text, from: opts.name }),
        headers: { receipt, 'client-message-id': clientMessageId, 'content-type': 'application/json' },
      });
      return acknowledged;
    },
    close() {
      if (done) return;
      done = true;
      for (const receipt of [...pending.keys()]) settle(receipt, new SendError('The connection was closed; the message may not have been sent.'));
      void client?.deactivate();
    },
  };
}
