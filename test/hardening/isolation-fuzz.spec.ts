// Issue "Hard to break", items 4 and 8: 2,000 random sends across rooms and users (DMs included) over
// several sessions: every message a session receives is one it was entitled to, and it gets all of them.
// Beside it, a flooding session is throttled while a quiet one's messages all go through.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { eventually, http } from './hardening-client';

const SENDS = 2_000;
const USERS = ['ann', 'bob', 'cem', 'dia'];
const ROOMS = ['r0', 'r1', 'r2', 'r3', 'r4'];

/** mulberry32, so a failing run can be replayed from the seed it prints. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Session { user: string; client: RawStomp; rooms: Set<string>; got: Set<string>; expected: Set<string> }

describe('isolation fuzz: rooms and DMs over several sessions', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_PER_SEC: '0' });
  });
  after(async () => assert.equal(await server.stop(), 0));

  it(`${SENDS} random sends: every session gets exactly what it is entitled to`, async (t) => {
    const seed = Date.now() % 2 ** 31;
    t.diagnostic(`seed ${seed}`);
    const random = rng(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
    const sessions: Session[] = [];
    for (const user of USERS) {
      for (let k = 0; k < 2; k++) {
        const client = await RawStomp.open(`${server.wsUrl}/chat`);
        await client.connect({ 'heart-beat': '0,0', login: user });
        const rooms = new Set(ROOMS.filter(() => random() < 0.5));
        const subs = [f('SUBSCRIBE', { id: 'dm', destination: '/user/queue/messages' }), f('SUBSCRIBE', { id: 'err', destination: '/user/queue/errors' })];
        for (const room of rooms) subs.push(f('SUBSCRIBE', { id: `room-${room}`, destination: `/topic/rooms/${room}` }));
        client.send(subs.join('') + f('SUBSCRIBE', { id: 'done', destination: '/topic/ready', receipt: 'ready' }));
        await client.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'ready');
        sessions.push({ user, client, rooms, got: new Set(), expected: new Set() });
      }
    }
    const wrong: string[] = [];
    for (const s of sessions) {
      let seen = 0;
      s.client.ws.on('message', () => {
        for (; seen < s.client.frames.length; seen++) {
          const m = s.client.frames[seen];
          if (m.command !== 'MESSAGE') continue;
          const sub = m.headers.get('subscription') ?? '';
          const body = JSON.parse(m.body.toString()) as { text: string; room?: string; from?: string };
          if (sub === 'err') wrong.push(`${s.user} got an error: ${m.body.toString()}`);
          else if (sub.startsWith('room-') && body.room !== sub.slice(5)) wrong.push(`${s.user} got ${body.room} on ${sub}`);
          if (s.got.has(body.text)) wrong.push(`${s.user} got ${body.text} twice`);
          s.got.add(body.text);
        }
      });
    }

    let receipts = 0;
    for (let i = 0; i < SENDS; i++) {
      const sender = pick(sessions);
      const text = `m${i}`;
      if (random() < 0.3) {
        const to = pick(USERS);
        sender.client.send(f('SEND', { destination: `/app/dm/${to}`, receipt: text }, JSON.stringify({ text })));
        for (const s of sessions) if (s.user === to || s.user === sender.user) s.expected.add(text);
      } else {
        const room = pick(ROOMS);
        sender.client.send(f('SEND', { destination: `/app/rooms/${room}`, receipt: text }, JSON.stringify({ text })));
        for (const s of sessions) if (s.rooms.has(room)) s.expected.add(text);
      }
      receipts++;
      // Let the event loop breathe now and then, as real clients would.
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    const receipted = () => sessions.reduce((n, s) => n + s.client.frames.filter((x) => x.command === 'RECEIPT').length - 1, 0);
    await eventually(async () => (receipted() === receipts ? true : undefined), 30_000, 'every RECEIPT');
    await eventually(async () => (sessions.every((s) => s.got.size >= s.expected.size) ? true : undefined), 10_000, 'every delivery');

    for (const s of sessions) {
      const extra = [...s.got].filter((x) => !s.expected.has(x));
      const missing = [...s.expected].filter((x) => !s.got.has(x));
      assert.deepEqual(extra, [], `${s.user} received messages it was not entitled to`);
      assert.deepEqual(missing, [], `${s.user} missed messages`);
    }
    assert.deepEqual(wrong, []);
    const stored = (JSON.parse((await http(`${server.url}/api/rooms`)).text) as { messages: number }[]).reduce((n, r) => n + r.messages, 0);
    t.diagnostic(`${sessions.length} sessions, ${SENDS} sends, ${sessions.reduce((n, s) => n + s.got.size, 0)} deliveries, ${stored} stored in rooms`);
    for (const s of sessions) s.client.close();
  });
});

describe('a flooding session beside a quiet one', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_PER_SEC: '20', RATE_LIMIT_BURST: '40' });
  });
  after(async () => assert.equal(await server.stop(), 0));

  it('the flooder gets rate-limited on /user/queue/errors; every quiet message is stored and delivered', async () => {
    const open = async (login: string) => {
      const c = await RawStomp.open(`${server.wsUrl}/chat`);
      await c.connect({ 'heart-beat': '0,0', login });
      return c;
    };
    const [flooder, quiet, watcher] = await Promise.all([open('flood'), open('quiet'), open('watch')]);
    flooder.send(f('SUBSCRIBE', { id: 'e', destination: '/user/queue/errors', receipt: 's' }));
    quiet.send(f('SUBSCRIBE', { id: 'e', destination: '/user/queue/errors', receipt: 's' }));
    watcher.send(f('SUBSCRIBE', { id: 'w', destination: '/topic/rooms/calm', receipt: 's' }));
    await Promise.all([flooder, quiet, watcher].map((c) => c.command('RECEIPT')));

    const FLOOD = 300;
    flooder.send(Array.from({ length: FLOOD }, (_, i) => f('SEND', { destination: '/app/rooms/loud' }, JSON.stringify({ text: `f${i}` }))).join(''));
    const QUIET = 10;
    for (let i = 0; i < QUIET; i++) {
      quiet.send(f('SEND', { destination: '/app/rooms/calm', receipt: `q${i}` }, JSON.stringify({ text: `q${i}` })));
      await quiet.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === `q${i}`);
    }
    await eventually(async () => (watcher.frames.filter((x) => x.command === 'MESSAGE').length === QUIET ? true : undefined), 5_000, 'the quiet messages');
    assert.deepEqual(watcher.frames.filter((x) => x.command === 'MESSAGE').map((m) => JSON.parse(m.body.toString()).text), Array.from({ length: QUIET }, (_, i) => `q${i}`));
    assert.equal(quiet.frames.filter((x) => x.headers.get('subscription') === 'e').length, 0, 'the quiet one is never throttled');

    const limited = await flooder.next((x) => x.headers.get('subscription') === 'e');
    assert.equal(JSON.parse(limited.body.toString()).error, 'rate-limited');
    const loud = JSON.parse((await http(`${server.url}/api/rooms/loud/messages?limit=500`)).text) as unknown[];
    assert.ok(loud.length >= 40 && loud.length < 80, `the flooder stored its burst and not much more (${loud.length} of ${FLOOD})`);
    assert.equal(flooder.closeCode, undefined, 'throttled, not cut off');
    for (const c of [flooder, quiet, watcher]) c.close();
  });
});
