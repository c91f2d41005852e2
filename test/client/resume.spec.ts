// #15 item 4: a client of the library rides out a server restart on every transport: it reconnects
// with backoff, resumes each joined room after the last message it delivered (since-id, Last-Event-ID,
// after, Socket.IO's sinceId), and ends up with every message of the room once, in id order.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/server';
import type { RoomJoined, StateChange } from '../../libs/chat-client/src';
import { NODE_TRANSPORTS, client, roomName, until, type Seen } from './support/clients';

const dataDir = mkdtempSync(join(tmpdir(), 'chat-client-resume-'));
const env = { DATABASE_URL: `sqlite:${join(dataDir, 'chat.sqlite')}`, RATE_LIMIT_PER_SEC: '0' };
let server: RunningServer;
before(async () => {
  server = await startServer(env);
});
after(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function post(room: string, text: string): Promise<number> {
  const res = await fetch(`${server.url}/api/rooms/${room}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'zoe', text }),
  });
  assert.equal(res.status, 201);
  return ((await res.json()) as { id: number }).id;
}

describe('#15 the client library resumes after the server drops every connection', () => {
  it('no gap and no duplicate on any transport, history not shown twice', { timeout: 100_000 }, async () => {
    const room = roomName('resume');
    // Two rooms per client: every joined room resumes, each from its own last id.
    const other = roomName('resume-other');
    for (let i = 0; i < 3; i++) await post(room, `history ${i}`);
    const clients = new Map<string, Seen>();
    const joins = new Map<string, RoomJoined[]>();
    const states = new Map<string, StateChange[]>();
    for (const transport of NODE_TRANSPORTS) {
      const seen = client(server.url, transport, { name: `u-${transport}` });
      clients.set(transport, seen);
      joins.set(transport, []);
      states.set(transport, []);
      seen.client.on('joined', (j) => joins.get(transport)!.push(j));
      seen.client.on('state', (s) => states.get(transport)!.push(s));
    }
    try {
      await Promise.all([...clients.values()].map(async (c) => {
        await c.client.connect();
        await Promise.all([c.client.join(room), c.client.join(other)]);
      }));
      await post(room, 'before the drop');
      await post(other, 'other before');
      for (const [transport, c] of clients) await until(() => c.messages.length === 5, `${transport} to see the first messages`);

      const port = server.port;
      assert.equal(await server.stop(), 0);
      for (const [transport, c] of clients) await until(() => c.client.state !== 'connected', `${transport} to notice the drop`);
      server = await startServer({ ...env, PORT: String(port) });
      // Said while every client is away: only a resume can deliver these.
      for (let i = 0; i < 5; i++) await post(room, `while away ${i}`);
      await post(other, 'other while away');

      for (const [transport, c] of clients) {
        await until(() => c.texts(room).includes('while away 4') && c.texts(other).includes('other while away'), `${transport} to catch up`, 40_000);
      }
      const last = await post(room, 'after the resume');
      for (const [transport, c] of clients) await until(() => c.messages.some((m) => m.id === last), `${transport} to follow live again`);

      const stored = ((await (await fetch(`${server.url}/api/rooms/${room}/messages`)).json()) as { id: number }[]).map((m) => m.id);
      assert.equal(stored.length, 10);
      for (const [transport, c] of clients) {
        assert.deepEqual(c.messages.filter((m) => m.room === room).map((m) => m.id), stored, `${transport}: every message once, in id order`);
        assert.deepEqual(c.texts(other), ['other before', 'other while away'], transport);
        const rejoined = joins.get(transport)!.filter((j) => j.room === room);
        assert.equal(rejoined[0]!.resumedAfter, undefined, `${transport} started with the history`);
        assert.ok(rejoined.length >= 2 && rejoined.slice(1).every((j) => typeof j.resumedAfter === 'number'), `${transport} resumed after an id`);
        const seenStates = states.get(transport)!.map((s) => s.state);
        assert.ok(seenStates.includes('reconnecting'), `${transport}: ${seenStates.join(' ')}`);
        assert.equal(seenStates.at(-1), 'connected');
        const waits = states.get(transport)!.filter((s) => s.state === 'reconnecting');
        assert.ok(waits.every((s) => typeof s.delayMs === 'number' && s.delayMs <= 2_000), 'backoff capped at maxMs');
        assert.deepEqual(c.errors.filter((e) => e.code !== 'shutting-down'), [], transport);
      }
    } finally {
      for (const c of clients.values()) c.client.close();
    }
  });
});
