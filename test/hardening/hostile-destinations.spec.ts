// Issue "Hard to break", item 5: destinations are matched literally. No `..`, `%2F`, `*`, `#`, `>` or
// look-alike trick lets a SEND or a SUBSCRIBE reach room `b` from anywhere but `/topic/rooms/b`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { http, postMessage } from './hardening-client';

let server: RunningServer;
let victim: RawStomp;
before(async () => {
  server = await startServer({ RATE_LIMIT_PER_SEC: '0' });
  victim = await session();
  victim.send(f('SUBSCRIBE', { id: 'v', destination: '/topic/rooms/b', receipt: 'v' }));
  await victim.command('RECEIPT');
});
after(async () => {
  victim.close();
  assert.equal(await server.stop(), 0);
});

async function session(): Promise<RawStomp> {
  const c = await RawStomp.open(`${server.wsUrl}/chat`);
  await c.connect({ 'heart-beat': '0,0', login: 'mallory' });
  return c;
}

const TRICKS = [
  'a/../b', '../b', 'a/%2E%2E/b', '..%2Fb', 'a%2F..%2Fb', '%62', 'b%00', 'b/', '/b', 'b/..', './b', '*', '#', '>', '**',
  'b\u200b', '\uff42', '\u0432', 'b\u0000', 'b\\', 'B', ' b', 'b ', '{room}', 'b;x', 'b?x', 'b#x',
];
const messages = (c: RawStomp) => c.frames.filter((x) => x.command === 'MESSAGE');

describe('hostile destinations never reach another room', () => {
  it('SENDs to /app/rooms/<trick> are refused or stored in their own literal room, never in b', async () => {
    for (const trick of TRICKS) {
      const c = await session();
      c.send(f('SUBSCRIBE', { id: 'e', destination: '/user/queue/errors', receipt: 's' }));
      await c.command('RECEIPT');
      c.send(f('SEND', { destination: `/app/rooms/${trick}`, receipt: 'x' }, JSON.stringify({ text: `trick ${trick}` })));
      // Whatever the answer (stored, refused on the error queue, or ERROR and close), it is an answer.
      await c.next((x) => x.command === 'ERROR' || (x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'x') || x.headers.get('subscription') === 'e');
      c.close();
    }
    // A frame sent straight to the room's topic is refused: chat messages go through /app.
    const direct = await session();
    direct.send(f('SUBSCRIBE', { id: 'e', destination: '/user/queue/errors', receipt: 's' }));
    await direct.command('RECEIPT');
    direct.send(f('SEND', { destination: '/topic/rooms/b', receipt: 'd' }, '{"id":1,"room":"b","text":"forged"}'));
    const refused = await direct.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === 'e');
    assert.equal(JSON.parse(refused.body.toString()).error, 'forbidden-destination');
    direct.close();

    assert.deepEqual(messages(victim).map((m) => m.body.toString()), [], 'room b got nothing');
    assert.equal((await http(`${server.url}/api/rooms/b/messages`)).text, '[]', 'room b stores nothing');
    const rooms = (JSON.parse((await http(`${server.url}/api/rooms`)).text) as { room: string }[]).map((r) => r.room);
    for (const room of rooms) assert.match(room, /^[A-Za-z0-9_-]{1,64}$/, `only valid room names are stored (${rooms.join(',')})`);
  });

  it('SUBSCRIBEs to wildcard, traversal and encoded destinations receive nothing of room b', async () => {
    const spies: RawStomp[] = [];
    for (const trick of [...TRICKS, '']) {
      const c = await session();
      c.send(f('SUBSCRIBE', { id: 'spy', destination: `/topic/rooms/${trick}`, receipt: 'spy' }));
      const answer = await c.next((x) => x.command === 'RECEIPT' || x.command === 'ERROR');
      if (answer.command === 'RECEIPT') spies.push(c);
      else c.close();
    }
    for (const d of ['/topic/*', '/topic/#', '/topic/>', '/topic/**', '/topic/rooms', '/topic/rooms.b', '/topic//rooms/b']) {
      const c = await session();
      c.send(f('SUBSCRIBE', { id: 'spy', destination: d, receipt: 'spy' }));
      const answer = await c.next((x) => x.command === 'RECEIPT' || x.command === 'ERROR');
      if (answer.command === 'RECEIPT') spies.push(c);
      else c.close();
    }
    assert.equal((await postMessage(server.url, 'b', { from: 'alice', text: 'for b only' })).status, 201);
    const got = await victim.command('MESSAGE');
    assert.equal(JSON.parse(got.body.toString()).text, 'for b only');
    // A round trip on each spy after b's fan-out: anything queued for it would have arrived first.
    await Promise.all(spies.map(async (c) => {
      c.send(f('UNSUBSCRIBE', { id: 'spy', receipt: 'barrier' }));
      await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'barrier');
    }));
    const leaked = spies.filter((c) => messages(c).length > 0);
    assert.equal(leaked.length, 0, `${leaked.length} of ${spies.length} accepted spy subscriptions saw room b`);
    for (const c of spies) c.close();
  });

  it('__proto__ and constructor as room names, headers and JSON keys are plain data', async () => {
    const c = await session();
    c.send(f('SUBSCRIBE', { id: 'e', destination: '/user/queue/errors', receipt: 's' }));
    await c.command('RECEIPT');
    // Written by hand: an object literal cannot carry a `__proto__` key.
    c.send('SEND\ndestination:/app/rooms/__proto__\nreceipt:p\n__proto__:x\nconstructor:y\nhasOwnProperty:z\n\n' +
      '{"text":"proto","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}\0');
    await c.next((x) => x.command === 'RECEIPT' || x.command === 'ERROR' || x.headers.get('subscription') === 'e');
    const stored = await http(`${server.url}/api/rooms/__proto__/messages`);
    assert.equal(stored.status, 200);
    const list = JSON.parse(stored.text) as { text: string; polluted?: unknown }[];
    assert.ok(list.every((m) => m.polluted === undefined));
    assert.equal((await http(`${server.url}/health`)).status, 200);
    c.close();
  });
});
