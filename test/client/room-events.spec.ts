// #15 item 4: room events through the client library, typed, on the transports that carry them
// (STOMP, SockJS, SSE, Socket.IO): presence, join, leave, typing, read, edit, delete; and a member
// removed from a private room gets a `removed` event and a typed error on every transport, long
// polling included. Signed in with tokens, as a deployment runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/server';
import { bearer, signToken } from '../support/tokens';
import type { RoomEvent, TransportKind } from '../../libs/chat-client/src';
import { client, refusal, roomName, until, type Seen } from './support/clients';

const SECRET = 'client-library-secret-0123456789abcdef';
let server: RunningServer;
before(async () => {
  server = await startServer({ AUTH_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_SEC: '0' });
});
after(() => server.stop());

const tokenOf = (user: string): string => signToken(user, SECRET);
const signedIn = (user: string, transport: TransportKind): Seen => client(server.url, transport, { token: () => tokenOf(user) });

async function rest(method: string, path: string, user: string, body?: unknown): Promise<number> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...bearer(tokenOf(user)), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  await res.text();
  return res.status;
}

function eventOf<T extends RoomEvent['type']>(seen: Seen, type: T, match: (e: Extract<RoomEvent, { type: T }>) => boolean = () => true) {
  return seen.events.find((e): e is Extract<RoomEvent, { type: T }> => e.type === type && match(e as Extract<RoomEvent, { type: T }>));
}

describe('#15 room events arrive typed', () => {
  for (const transport of ['websocket', 'sockjs-xhr-streaming', 'sse', 'socketio'] as TransportKind[]) {
    it(transport, async () => {
      const room = roomName(`events-${transport}`);
      const bob = signedIn('bob', transport);
      const ann = signedIn('ann', 'websocket');
      const typing: boolean[] = [];
      // A listener for one type gets that type's shape.
      bob.client.on('typing', (e) => typing.push(e.typing));
      try {
        await Promise.all([bob.client.connect(), ann.client.connect()]);
        await bob.client.join(room);
        await ann.client.join(room);
        await until(() => eventOf(bob, 'join', (e) => e.user === 'ann') !== undefined, 'ann joining');

        const presence = await bob.client.presence(room);
        assert.equal(presence.type, 'presence');
        assert.deepEqual(presence.users.map((u) => u.user).sort(), ['ann', 'bob']);

        await ann.client.typing(room);
        await until(() => typing.includes(true), 'ann typing');
        assert.equal(eventOf(bob, 'typing')?.user, 'ann');

        await ann.client.send(room, 'to be edited');
        await until(() => bob.messages.length === 1, 'the message');
        const id = bob.messages[0]!.id;
        await ann.client.markRead(room, id);
        await until(() => eventOf(bob, 'read', (e) => e.user === 'ann' && e.lastReadId === id) !== undefined, 'the read marker');
        await ann.client.edit(room, id, 'edited text');
        await until(() => eventOf(bob, 'edit') !== undefined, 'the edit');
        const edit = eventOf(bob, 'edit')!;
        assert.deepEqual([edit.room, edit.message.id, edit.message.text, typeof edit.message.editedAt], [room, id, 'edited text', 'string']);
        await ann.client.delete(room, id);
        await until(() => eventOf(bob, 'delete', (e) => e.id === id) !== undefined, 'the deletion');
        assert.equal(eventOf(bob, 'delete')!.deletedBy, 'ann');

        // What bob can do from his own transport: typing needs a session (not SSE), the rest has REST.
        if (transport === 'sse') assert.equal((await refusal(bob.client.typing(room))).code, 'unsupported');
        else await bob.client.typing(room);
        await ann.client.send(room, 'read me');
        await until(() => bob.messages.length === 2, 'the second message');
        await bob.client.markRead(room, bob.messages[1]!.id);
        await until(() => eventOf(ann, 'read', (e) => e.user === 'bob') !== undefined, "bob's read marker");
        const notAuthor = await refusal(bob.client.edit(room, bob.messages[1]!.id, 'not mine'));
        assert.equal(notAuthor.code, 'not-author');

        ann.client.leave(room);
        await until(() => eventOf(bob, 'leave', (e) => e.user === 'ann') !== undefined, 'ann leaving');
        assert.deepEqual(bob.errors, []);
      } finally {
        bob.client.close();
        ann.client.close();
      }
    });
  }
});

describe('#15 a member removed from a private room is told so, typed', () => {
  for (const transport of ['websocket', 'sse', 'long-polling', 'socketio'] as TransportKind[]) {
    it(transport, async () => {
      const room = roomName(`private-${transport}`);
      assert.equal(await rest('POST', '/api/rooms', 'ann', { room, visibility: 'private' }), 201);
      assert.equal(await rest('PUT', `/api/rooms/${room}/members/bob`, 'ann'), 204);
      const bob = signedIn('bob', transport);
      const carol = signedIn('carol', transport);
      try {
        await Promise.all([bob.client.connect(), carol.client.connect()]);
        await bob.client.join(room);
        const refused = await refusal(carol.client.join(room));
        assert.ok(['forbidden', 'not-found'].includes(refused.code), `a non-member is refused: ${refused.code}`);
        assert.equal(refused.room, room);
        assert.equal(carol.client.joinedRooms.has(room), false);

        assert.equal(await rest('DELETE', `/api/rooms/${room}/members/bob`, 'ann'), 204);
        await until(() => eventOf(bob, 'removed') !== undefined, 'the removal', 15_000);
        const removed = eventOf(bob, 'removed')!;
        assert.equal(removed.room, room);
        assert.ok(['forbidden', 'not-found'].includes(removed.error), removed.error);
        assert.ok(bob.errors.some((e) => e.room === room && e.code === removed.error), 'the same refusal as an error event');
        assert.equal(bob.client.joinedRooms.has(room), false);
        assert.equal(await rest('POST', `/api/rooms/${room}/messages`, 'ann', { text: 'not for bob' }), 201);
        await new Promise((r) => setTimeout(r, 300));
        assert.deepEqual(bob.texts(room), []);
        assert.equal(bob.client.state, 'connected');
      } finally {
        bob.client.close();
        carol.client.close();
      }
    });
  }
});
