import type { Socket } from 'socket.io-client';
import { ChatClientError, errorFromBody } from '../errors';
import { toChatMessage, toRoomEvent } from '../wire';
import type { Link, LinkContext, LinkEvents } from './link';
import { RestClient } from './rest';

type Io = (uri: string, options: Record<string, unknown>) => Socket;

/**
 * Socket.IO at /socket.io/ (docs/socketio.md): `join` with `sinceId` resumes a room, acks answer every
 * emit. A first join takes the history over REST and joins from its last id. Edits, deletions and
 * presence, which the door has no emits for, go over REST. `socketio` starts on polling and upgrades
 * to a websocket as Socket.IO clients do; `socketio-polling` stays on polling. socket.io-client's own
 * reconnect is off: the ChatClient owns backoff for every transport alike.
 */
export function openSocketIoLink(ctx: LinkContext, on: LinkEvents): Link {
  const rest = new RestClient(ctx);
  const joined = new Set<string>();
  // Acks still owed when the connection drops fail at once rather than at their timeout.
  const owed = new Set<(error: ChatClientError) => void>();
  let socket: Socket | undefined;
  let done = false;

  const drop = (error: ChatClientError): void => {
    for (const reject of [...owed]) reject(error);
    owed.clear();
  };
  const finish = (reason: string): void => {
    if (done) return;
    done = true;
    joined.clear();
    drop(new ChatClientError('connection-lost', 'The connection dropped before the server answered.'));
    socket?.close();
    on.closed(reason);
  };

  const connected = (): Socket => {
    if (done || !socket?.connected) throw new ChatClientError('not-connected', 'Not connected; wait for the connection to come back.');
    return socket;
  };

  const ack = async (room: string, event: string, payload: Record<string, unknown>): Promise<unknown> => {
    const s = connected();
    let reject: ((error: ChatClientError) => void) | undefined;
    const answer = await new Promise<unknown>((resolve, fail) => {
      reject = (error) => fail(new ChatClientError(error.code, error.message, { room }));
      owed.add(reject);
      s.timeout(ctx.requestTimeoutMs)
        .emitWithAck(event, payload)
        .then(resolve, () => fail(new ChatClientError('timeout', 'The server did not answer in time.', { room })));
    }).finally(() => owed.delete(reject!));
    const refused = errorFromBody(answer, { room });
    if (refused) throw refused;
    return answer;
  };

  const load = ctx.platform.io ? Promise.resolve(ctx.platform.io as Io) : import('socket.io-client').then((m) => m.io as unknown as Io);
  load.then(
    (io) => {
      if (done) return;
      const auth = ctx.token !== undefined ? { token: ctx.token } : ctx.name !== undefined ? { login: ctx.name } : {};
      const s = io(ctx.base.origin, {
        path: '/socket.io/',
        transports: ctx.kind === 'socketio-polling' ? ['polling'] : ['polling', 'websocket'],
        reconnection: false,
        forceNew: true,
        auth,
      });
      socket = s;
      s.on('connect', () => {
        if (!done) on.opened();
      });
      s.on('message', (value: unknown) => {
        const message = toChatMessage(value);
        if (message && joined.has(message.room)) on.messages(message.room, [message]);
      });
      s.on('event', (value: unknown) => {
        const event = toRoomEvent(value);
        if (!event || !joined.has(event.room)) return;
        if (event.type !== 'removed') return on.event(event);
        joined.delete(event.room);
        on.lost(event.room, new ChatClientError(event.error, event.message, { room: event.room }));
      });
      s.on('connect_error', (error: Error & { data?: unknown }) => {
        const refused = errorFromBody(error.data);
        if (refused) on.error(refused);
        finish(`The server refused the connection: ${error.message}`);
      });
      s.on('disconnect', (reason: string) => finish(`The connection closed (${reason}).`));
    },
    () => finish('Could not load the Socket.IO client.'),
  );

  return {
    async follow(room, sinceId) {
      connected();
      joined.add(room);
      try {
        let after = sinceId;
        if (after === undefined) {
          const history = await rest.messages(room, undefined);
          if (!joined.has(room)) return;
          if (history.length > 0) on.messages(room, history);
          after = history.length > 0 ? history[history.length - 1]!.id : 0;
        }
        await ack(room, 'join', { room, sinceId: after });
      } catch (error) {
        joined.delete(room);
        throw error;
      }
    },
    unfollow(room) {
      if (!joined.delete(room) || done || !socket?.connected) return;
      socket.emit('leave', { room });
    },
    post: async (room, text, clientMessageId) =>
      toChatMessage(await ack(room, 'message', { room, text, clientMessageId, ...(ctx.name !== undefined && { from: ctx.name }) })),
    typing: async (room, typing) => {
      await ack(room, 'typing', { room, typing });
    },
    read: async (room, lastReadId) => {
      await ack(room, 'read', { room, lastReadId });
    },
    edit: (room, id, text) => rest.edit(room, id, text),
    remove: (room, id) => rest.remove(room, id),
    presence: (room) => rest.presence(room),
    close() {
      if (done) return;
      done = true;
      joined.clear();
      drop(new ChatClientError('closed', 'The connection was closed before the server answered.'));
      socket?.close();
    },
  };
}
