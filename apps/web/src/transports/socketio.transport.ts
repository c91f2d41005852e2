import type { Socket } from 'socket.io-client';
import { toChatMessage, type ChatMessage } from '../chat-message';
import { fetchMessages } from './rest-client';
import { SEND_TIMEOUT_MS, SendError, type FeedHandlers, type RoomConnection, type RoomOptions } from './transport';

type Answer = Partial<ChatMessage> & { ok?: boolean; error?: string; message?: string };

/**
 * Socket.IO at /socket.io/ (docs/socketio.md). First connection: the history over REST, then `join`
 * with `sinceId` = its last id; a reconnect joins with the last id the feed delivered, so the server
 * replays the gap. `socketio` starts on polling and upgrades to a websocket, as Socket.IO clients do;
 * `socketio-polling` stays on polling. The client's own reconnect is off: the page owns backoff for every
 * transport alike. socket.io-client is only downloaded by pages that pick it.
 */
export function connectSocketIo(kind: 'socketio' | 'socketio-polling', opts: RoomOptions, h: FeedHandlers): RoomConnection {
  const abort = new AbortController();
  let socket: Socket | undefined;
  let done = false;
  const finish = (reason: string): void => {
    if (done) return;
    done = true;
    abort.abort();
    socket?.close();
    h.onClose(reason);
  };

  const join = async (s: Socket): Promise<void> => {
    let sinceId = opts.sinceId;
    if (sinceId === undefined) {
      const history = await fetchMessages(opts.base, opts.room, undefined, abort.signal);
      if (done) return;
      h.onMessages(history);
      sinceId = history.length > 0 ? history[history.length - 1].id : 0;
    }
    const answer = (await s.timeout(SEND_TIMEOUT_MS).emitWithAck('join', { room: opts.room, sinceId })) as Answer;
    if (done) return;
    if (answer.ok === true) return h.onOpen();
    finish(typeof answer.message === 'string' ? answer.message : 'The server refused to join the room.');
  };

  import('socket.io-client').then(
    ({ io }) => {
      if (done) return;
      const s = io(opts.base.origin, {
        path: '/socket.io/',
        transports: kind === 'socketio-polling' ? ['polling'] : ['polling', 'websocket'],
        reconnection: false,
        forceNew: true,
        auth: opts.name ? { login: opts.name } : {},
      });
      socket = s;
      s.on('message', (value: unknown) => {
        const message = toChatMessage(value);
        if (message && message.room === opts.room) h.onMessages([message]);
      });
      s.on('connect', () => {
        join(s).catch(() => finish('Could not join the room.'));
      });
      s.on('connect_error', (error: Error) => finish(`The server refused the connection: ${error.message}`));
      s.on('disconnect', () => finish('The connection closed.'));
    },
    () => finish('Could not load the Socket.IO client.'),
  );

  return {
    async send(text, clientMessageId) {
      const s = socket;
      if (done || !s?.connected) throw new SendError('Not connected; wait for the connection to come back.');
      let answer: Answer;
      try {
        answer = (await s.timeout(SEND_TIMEOUT_MS).emitWithAck('message', { room: opts.room, text, clientMessageId, from: opts.name })) as Answer;
      } catch {
        throw new SendError('The server did not confirm the message in time.');
      }
      if (typeof answer.error === 'string') throw new SendError(typeof answer.message === 'string' ? answer.message : 'The server refused the message.');
      return toChatMessage(answer);
    },
    close() {
      done = true;
      abort.abort();
      socket?.close();
    },
  };
}
