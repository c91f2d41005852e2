// #15 item 4: the client library in Node against the real server, on every transport a Node program
// can use: a message sent by one client reaches another with the id the server stored it under, a
// later joiner gets the history, and a refusal arrives as a ChatClientError with the server's code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/server';
import { ChatClientError, SERVER_ERROR_CODES } from '../../libs/chat-client/src';
import { NODE_TRANSPORTS, client, refusal, roomName, until } from './support/clients';

let server: RunningServer;
before(async () => {
  server = await startServer({ RATE_LIMIT_PER_SEC: '0' });
});
after(() => server.stop());

async function storedIds(room: string): Promise<number[]> {
  const res = await fetch(`${server.url}/api/rooms/${room}/messages`);
  return ((await res.json()) as { id: number }[]).map((m) => m.id);
}

describe('#15 the client library sends and receives on every transport', () => {
  for (const transport of NODE_TRANSPORTS) {
    it(transport, async () => {
      const room = roomName(transport);
      const ann = client(server.url, transport, { name: 'ann' });
      const bob = client(server.url, transport, { name: 'bob' });
      const states: string[] = [];
      bob.client.on('state', (s) => states.push(s.state));
      try {
        await Promise.all([ann.client.connect(), bob.client.connect()]);
        assert.equal(bob.client.state, 'connected');
        await bob.client.join(room);

        const stored = await ann.client.send(room, `hello over ${transport}`);
        if (transport === 'websocket' || transport.startsWith('sockjs')) assert.equal(stored, undefined, "STOMP's RECEIPT carries no message");
        else assert.equal(stored?.text, `hello over ${transport}`);
        await ann.client.send(room, '  second, trimmed  ');
        await until(() => bob.messages.length === 2, 'bob to get both messages');
        assert.deepEqual(bob.texts(), [`hello over ${transport}`, 'second, trimmed']);
        assert.equal(bob.messages[0]!.from, 'ann');
        assert.deepEqual(bob.messages.map((m) => m.id), await storedIds(room), 'the ids the server stored, in order');
        if (stored) assert.equal(stored.id, bob.messages[0]!.id);

        // A later joiner starts with the room's history, then follows it live.
        const cat = client(server.url, transport, { name: 'cat' });
        try {
          await cat.client.connect();
          await cat.client.join(room);
          assert.deepEqual(cat.messages.map((m) => m.id), bob.messages.map((m) => m.id));
          await bob.client.send(room, 'third');
          await until(() => cat.messages.length === 3 && ann.messages.length === 0, 'cat to get the live one');
        } finally {
          cat.client.close();
        }

        // A refusal is typed: the server's stable code (STOMP answers the edit itself; the HTTP doors
        // need a signed-in user for edits, and this server has no identity provider).
        const refused = await refusal(ann.client.edit(room, 999_999, 'no such message'));
        assert.ok(refused instanceof ChatClientError);
        assert.ok((SERVER_ERROR_CODES as readonly string[]).includes(refused.code), refused.code);
        if (transport === 'websocket' || transport.startsWith('sockjs')) assert.equal(refused.code, 'unknown-message');
        else assert.deepEqual([refused.code, refused.status], ['unauthorized', 401]);
        assert.equal(refused.room, room);

        // Checked before a round trip, with the server's own codes.
        assert.equal((await refusal(ann.client.send(room, '   '))).code, 'invalid-text');
        assert.equal((await refusal(ann.client.join('no spaces'))).code, 'invalid-room');
        assert.deepEqual(bob.errors, []);
        assert.deepEqual(states, ['connecting', 'connected']);
      } finally {
        ann.client.close();
        bob.client.close();
      }
      assert.equal(bob.client.state, 'disconnected');
      assert.equal((await refusal(bob.client.send(room, 'after close'))).code, 'closed');
    });
  }
});
