// #13 items 2 and 3: presence (users, not sessions, in a room now; join/leave once per user; the snapshot
// on SUBSCRIBE /app/rooms/{room}/presence and GET /api/rooms/{room}/presence) and typing (never stored,
// one per user and room per second, ending by itself 5 s after the last one). Room events travel on
// /topic/rooms/{room}/events.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { signToken } from '../support/tokens';
import { SseClient } from '../http/sse-client';
import { WsClient } from '../http/ws-client';

const SECRET = 'presence-secret-0123456789abcdef0123';
let open: RunningServer;
let signed: RunningServer;
before(async () => {
  [open, signed] = await Promise.all([startServer({ RATE_LIMIT_PER_SEC: '0' }), startServer({ AUTH_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_SEC: '0' })]);
});
after(() => Promise.all([open.stop(), signed.stop()]));

let n = 0;
const roomName = () => `pres${Date.now()}${n++}`;

async function session(server: RunningServer, headers: Record<string, string> = {}): Promise<RawStomp> {
  const c = await RawStomp.open(`${server.wsUrl}/chat`);
  await c.connect({ 'heart-beat': '0,0', ...headers });
  return c;
}

async function subscribe(c: RawStomp, destination: string, id = `s${n++}`): Promise<string> {
  c.send(f('SUBSCRIBE', { id, destination, receipt: `r-${id}` }));
  await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === `r-${id}`);
  return id;
}

type RoomEvent = { type: string; room: string; user?: string; typing?: boolean; at?: string };
const events = (c: RawStomp, room: string): RoomEvent[] =>
  c.frames.filter((x) => x.command === 'MESSAGE' && x.headers.get('destination') === `/topic/rooms/${room}/events`).map((x) => JSON.parse(x.body.toString()));

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function presenceOf(server: RunningServer, c: RawStomp, room: string): Promise<string[]> {
  const id = `p${n++}`;
  c.send(f('SUBSCRIBE', { id, destination: `/app/rooms/${room}/presence` }));
  const reply = await c.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === id);
  const snapshot = JSON.parse(reply.body.toString()) as { type: string; room: string; users: { user: string; since: string }[] };
  assert.equal(snapshot.type, 'presence');
  assert.equal(snapshot.room, room);
  for (const u of snapshot.users) assert.ok(!Number.isNaN(Date.parse(u.since)));
  return snapshot.users.map((u) => u.user);
}

describe('#13 presence', () => {
  it('users, not sessions: one join for two sessions, the leave only when the last one goes; snapshot on STOMP and REST', async () => {
    const room = roomName();
    const watcher = await session(open, { login: 'watcher' });
    await subscribe(watcher, `/topic/rooms/${room}/events`);
    const ann1 = await session(open, { login: 'ann' });
    const ann2 = await session(open, { login: 'ann' });
    const annSub = await subscribe(ann1, `/topic/rooms/${room}`);
    await subscribe(ann2, `/topic/rooms/${room}`);
    await until(() => events(watcher, room).length >= 1, 'the join');
    assert.deepEqual(await presenceOf(open, watcher, room), ['ann'], 'the watcher follows events only, so is not in the room');
    const rest = await (await fetch(`${open.url}/api/rooms/${room}/presence`)).json();
    assert.deepEqual(rest.users.map((u: { user: string }) => u.user), ['ann']);

    ann1.send(f('UNSUBSCRIBE', { id: annSub, receipt: 'u' }));
    await ann1.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'u');
    await sleep(200);
    assert.deepEqual(events(watcher, room).map((e) => e.type), ['join'], 'ann is still in through her other session');
    ann2.close();
    await until(() => events(watcher, room).length >= 2, 'the leave');
    const [join, leave] = events(watcher, room);
    assert.deepEqual({ ...join, at: undefined }, { type: 'join', room, user: 'ann', at: undefined });
    assert.equal(leave!.type, 'leave');
    assert.equal(leave!.user, 'ann');
    assert.deepEqual(await presenceOf(open, watcher, room), []);
    for (const c of [watcher, ann1]) c.close();
  });

  it('an SSE stream and a plain WebSocket with a token put their user in the room (every door)', async () => {
    const room = roomName();
    const watcher = await session(signed, { passcode: signToken('watcher', SECRET) });
    await subscribe(watcher, `/topic/rooms/${room}/events`);
    const sse = await SseClient.open(`${signed.url}/sse/rooms/${room}?access_token=${signToken('sue', SECRET)}`);
    const ws = await WsClient.open(`${signed.wsUrl}/ws/chat?room=${room}&access_token=${signToken('wes', SECRET)}`);
    await until(() => events(watcher, room).length >= 2, 'two joins');
    assert.deepEqual((await presenceOf(signed, watcher, room)).sort(), ['sue', 'wes']);
    sse.close();
    ws.ws.close();
    await until(() => events(watcher, room).filter((e) => e.type === 'leave').length >= 2, 'two leaves');
    watcher.close();
  });

  it('a bad room name is invalid-room on both doors', async () => {
    assert.equal((await fetch(`${open.url}/api/rooms/bad%20room/presence`)).status, 400);
    const c = await session(open, { login: 'x' });
    await subscribe(c, '/user/queue/errors', 'errors');
    c.send(f('SUBSCRIBE', { id: 'bad', destination: '/app/rooms/no%20way!/presence' }));
    const error = await c.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === 'errors');
    assert.equal(JSON.parse(error.body.toString()).error, 'invalid-room');
    c.close();
  });
});

describe('#13 typing', () => {
  it('ten "typing" SENDs in half a second pass as one event, and typing ends by itself 5 s after the last', async () => {
    const room = roomName();
    const watcher = await session(open, { login: 'watcher' });
    await subscribe(watcher, `/topic/rooms/${room}/events`);
    const tom = await session(open, { login: 'tom' });
    for (let i = 0; i < 10; i++) {
      tom.send(f('SEND', { destination: `/app/rooms/${room}/typing` }, i % 2 ? '' : '{"typing":true}'));
      await sleep(50);
    }
    await until(() => events(watcher, room).length >= 1, 'typing');
    const started = Date.now();
    await until(() => events(watcher, room).length >= 2, 'typing to end by itself', 8_000);
    const elapsed = Date.now() - started;
    const [on, off] = events(watcher, room);
    assert.deepEqual([on!.type, on!.user, on!.typing], ['typing', 'tom', true]);
    assert.deepEqual([off!.type, off!.user, off!.typing], ['typing', 'tom', false]);
    assert.ok(elapsed > 4_000 && elapsed < 6_500, `ended ${elapsed} ms after the first event (5 s after the last SEND)`);
    // Nothing of it was stored.
    assert.deepEqual(await (await fetch(`${open.url}/api/rooms/${room}/messages`)).json(), []);
    for (const c of [watcher, tom]) c.close();
  });

  it('"not typing" ends it at once; from someone who was not typing it is dropped', async () => {
    const room = roomName();
    const watcher = await session(open, { login: 'watcher' });
    await subscribe(watcher, `/topic/rooms/${room}/events`);
    const ada = await session(open, { login: 'ada' });
    ada.send(f('SEND', { destination: `/app/rooms/${room}/typing` }, '{"typing":false}'));
    ada.send(f('SEND', { destination: `/app/rooms/${room}/typing` }, '{"typing":true}'));
    ada.send(f('SEND', { destination: `/app/rooms/${room}/typing` }, '{"typing":false}'));
    await until(() => events(watcher, room).length >= 2, 'on and off');
    await sleep(300);
    assert.deepEqual(events(watcher, room).map((e) => e.typing), [true, false]);
    for (const c of [watcher, ada]) c.close();
  });

  it('bad bodies are bad-json, an unnamed session is invalid-from, and nothing is broadcast', async () => {
    const room = roomName();
    const watcher = await session(open, { login: 'watcher' });
    await subscribe(watcher, `/topic/rooms/${room}/events`);
    const typist = await session(open, { login: 'bad' });
    await subscribe(typist, '/user/queue/errors', 'errors');
    for (const body of ['{', 'null', '[]', '{"typing":"yes"}', '"x"']) typist.send(f('SEND', { destination: `/app/rooms/${room}/typing` }, body));
    const anon = await session(open);
    await subscribe(anon, '/user/queue/errors', 'errors');
    anon.send(f('SEND', { destination: `/app/rooms/${room}/typing` }, ''));
    await until(() => typist.frames.filter((x) => x.command === 'MESSAGE').length >= 5, 'five errors');
    const codes = typist.frames.filter((x) => x.command === 'MESSAGE').map((x) => JSON.parse(x.body.toString()).error);
    assert.deepEqual(codes, ['bad-json', 'bad-json', 'bad-json', 'bad-json', 'bad-json']);
    const anonError = await anon.next((x) => x.command === 'MESSAGE');
    assert.equal(JSON.parse(anonError.body.toString()).error, 'invalid-from');
    await sleep(200);
    assert.deepEqual(events(watcher, room), []);
    for (const c of [watcher, typist, anon]) c.close();
  });
});
