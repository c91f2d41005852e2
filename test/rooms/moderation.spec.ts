// #13 item 6: mutes and bans on one node, on every door. A muted user reads but cannot post (403 `muted`
// over REST, `muted` on /user/queue/errors, the plain WebSocket and the Socket.IO ack) until the mute is
// lifted or runs out, and the mute survives a restart. A banned user's live subscriptions to the room end
// at once on every door (STOMP, SSE, long poll, /ws/chat, Socket.IO), and every way back is refused
// `banned` (PUT members, SUBSCRIBE, SEND, history), in public rooms as in private ones, until it is lifted.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from '../http/http-client';
import { SseClient } from '../http/sse-client';
import { WsClient } from '../http/ws-client';
import { SioClient } from '../socketio/socketio-test-client';
import { startServer, type RunningServer } from '../support/server';
import { signToken } from '../support/tokens';
import { Rest, refusal } from './support/rest';
import { StompUser } from './support/stomp-user';

const SECRET = 'moderation-secret-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'moderation-'));
const env = { AUTH_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_SEC: '0', DATABASE_URL: `sqlite:${join(dir, 'chat.sqlite')}` };
let server: RunningServer;
let seq = 0;
const newRoom = (label = 'mod') => `${label}${Date.now().toString(36)}${seq++}`;
const token = (user: string, roles?: string[]) => signToken(user, SECRET, roles ? { roles } : {});
const as = (user: string, roles?: string[]) => new Rest(server.url, token(user, roles));
const moderator = () => as('mona', ['moderator']);
const open: Array<{ close(): unknown }> = [];
async function stomp(user: string): Promise<StompUser> {
  const c = await StompUser.connect(server.wsUrl, { token: token(user) });
  open.push(c);
  return c;
}
async function socketio(user: string): Promise<SioClient> {
  const c = await SioClient.connect(server.url, { auth: { token: token(user) } });
  open.push(c);
  return c;
}
const texts = async (room: string) => (await as('olga').json('GET', `/api/rooms/${room}/messages`)).map((m: { text: string }) => m.text);

before(async () => {
  server = await startServer(env);
});
after(async () => {
  for (const c of open) await c.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function publicRoom(): Promise<string> {
  const room = newRoom();
  await as('olga').json('POST', '/api/rooms', { room });
  await as('olga').json('POST', `/api/rooms/${room}/messages`, { text: 'welcome' });
  return room;
}

async function heldPolls(n: number): Promise<void> {
  for (;;) {
    const metrics = await request(`${server.url}/metrics`);
    if (new RegExp(`chat_connections\\{door="long-poll",protocol="http"\\} ${n}\\b`).test(metrics.text)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('#13 item 6 mutes', () => {
  it('a muted user reads but cannot post on any door (REST, STOMP, /ws/chat, Socket.IO) nor type; a lifted mute lets them post', async () => {
    const room = await publicRoom();
    const answer = await moderator().post(`/api/rooms/${room}/mutes`, { user: 'bob', seconds: 600 });
    assert.equal(answer.status, 201);
    const mute = answer.json() as Record<string, string>;
    assert.deepEqual([mute.room, mute.user, mute.by], [room, 'bob', 'mona']);
    assert.ok(Math.abs(Date.parse(mute.until) - Date.parse(mute.at) - 600_000) < 5, JSON.stringify(mute));

    const rest = await as('bob').post(`/api/rooms/${room}/messages`, { text: 'over REST' });
    assert.equal(rest.status, 403);
    assert.equal((rest.json() as { error: string }).error, 'muted');
    assert.match((rest.json() as { message: string }).message, /muted/);

    const bob = await stomp('bob');
    assert.equal(await bob.send(`/app/rooms/${room}`, { text: 'over STOMP' }), false);
    assert.equal(await bob.send(`/app/rooms/${room}/typing`, { typing: true }), false);
    const [post, typing] = await bob.errors.next(2);
    assert.deepEqual([post.error, post.destination, typeof post.message], ['muted', `/app/rooms/${room}`, 'string']);
    assert.equal(typing.error, 'muted');

    const ws = await WsClient.open(`${server.wsUrl}/ws/chat?room=${room}&access_token=${token('bob')}`);
    open.push(ws);
    ws.send({ text: 'over /ws/chat' });
    const [frame] = await ws.waitForFrames(1);
    assert.equal(frame.error, 'muted');

    const sio = await socketio('bob');
    await sio.join(room);
    assert.equal((await sio.ack('message', { room, text: 'over Socket.IO' })).error, 'muted');
    assert.equal((await sio.ack('typing', { room, typing: true })).error, 'muted');

    // Reading goes on: history, and live on every door he follows.
    assert.deepEqual((await as('bob').json('GET', `/api/rooms/${room}/messages`)).map((m: { text: string }) => m.text), ['welcome']);
    const live = await bob.subscribe(`/topic/rooms/${room}`);
    const hello = await as('olga').json('POST', `/api/rooms/${room}/messages`, { text: 'still here?' });
    assert.deepEqual((await live.next(1)).map((m) => m.id), [hello.id]);
    await sio.waitForMessage(hello.id);
    assert.deepEqual(await texts(room), ['welcome', 'still here?'], 'nothing of bob\'s was stored');

    // Others post as before; the mute is bob's alone, in this room alone.
    assert.equal((await as('carl').post(`/api/rooms/${room}/messages`, { text: 'carl speaks' })).status, 201);
    assert.equal((await as('bob').post(`/api/rooms/${await publicRoom()}/messages`, { text: 'elsewhere' })).status, 201);

    assert.equal((await moderator().delete(`/api/rooms/${room}/mutes/bob`)).status, 204);
    assert.equal(await bob.send(`/app/rooms/${room}`, { text: 'free again' }), true);
    assert.equal((await as('bob').post(`/api/rooms/${room}/messages`, { text: 'and here' })).status, 201);
    assert.equal((await moderator().delete(`/api/rooms/${room}/mutes/bob`)).status, 204, 'lifting again changes nothing');
  });

  it('a mute runs out by itself', async () => {
    const room = await publicRoom();
    await moderator().json('POST', `/api/rooms/${room}/mutes`, { user: 'bob', seconds: 1 });
    assert.equal((await as('bob').post(`/api/rooms/${room}/messages`, { text: 'too soon' })).status, 403);
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal((await as('bob').post(`/api/rooms/${room}/messages`, { text: 'in time' })).status, 201);
    assert.deepEqual(await texts(room), ['welcome', 'in time']);
  });
});

describe('#13 item 6 bans', () => {
  it('a ban in a public room ends every live follow of the user at once, on every door, and refuses every way back until lifted', async () => {
    const room = await publicRoom();
    await as('bob').json('PUT', `/api/rooms/${room}/members/bob`);
    const bob = await stomp('bob');
    const messages = await bob.subscribe(`/topic/rooms/${room}`);
    await bob.subscribe(`/topic/rooms/${room}/events`);
    const sse = await SseClient.open(`${server.url}/sse/rooms/${room}?access_token=${token('bob')}`);
    open.push(sse);
    const ws = await WsClient.open(`${server.wsUrl}/ws/chat?room=${room}&access_token=${token('bob')}`);
    open.push(ws);
    const sio = await socketio('bob');
    await sio.join(room);
    const poll = as('bob').get(`/api/rooms/${room}/poll?timeout=30`);
    await heldPolls(1);

    const answer = await moderator().post(`/api/rooms/${room}/bans`, { user: 'bob', reason: 'spam' });
    assert.equal(answer.status, 201);
    const ban = answer.json() as Record<string, string>;
    assert.deepEqual([ban.room, ban.user, ban.by, ban.reason], [room, 'bob', 'mona', 'spam']);

    const ended = await bob.errors.next(2);
    assert.deepEqual(ended.map((e) => [e.error, e.destination]).sort(), [
      ['banned', `/topic/rooms/${room}`],
      ['banned', `/topic/rooms/${room}/events`],
    ]);
    await sse.waitForEnd();
    assert.equal(await ws.waitForClose(), 1008);
    assert.equal(ws.frames.at(-1).error, 'banned');
    assert.deepEqual(refusal(await poll), { status: 403, error: 'banned' });
    await sio.waitFor(() => sio.events.some((e) => e.type === 'removed'), 'removed');
    assert.deepEqual(sio.events.find((e) => e.type === 'removed'), {
      type: 'removed', room, error: 'banned', message: 'You are banned from this room.',
    });
    // Removed from the room's members.
    assert.deepEqual((await as('olga').json('GET', `/api/rooms/${room}/members`)).map((m: { user: string }) => m.user), ['olga']);

    // Every way back: REST, SSE, /ws/chat, Socket.IO, STOMP.
    const bobRest = as('bob');
    for (const [method, path, body] of [
      ['GET', `/api/rooms/${room}/messages`],
      ['POST', `/api/rooms/${room}/messages`, { text: 'let me back' }],
      ['PUT', `/api/rooms/${room}/members/bob`],
      ['GET', `/api/rooms/${room}/poll?timeout=1`],
      ['GET', `/api/rooms/${room}/read`],
      ['GET', `/sse/rooms/${room}`],
    ] as Array<[string, string, unknown?]>) {
      assert.deepEqual(refusal(await bobRest.call(method, path, body)), { status: 403, error: 'banned' }, `${method} ${path}`);
    }
    assert.equal(await WsClient.refusal(`${server.wsUrl}/ws/chat?room=${room}&access_token=${token('bob')}`), 403);
    assert.equal((await sio.ack('join', { room })).error, 'banned');
    assert.equal((await sio.ack('message', { room, text: 'let me back' })).error, 'banned');
    const before = bob.errors.messages.length;
    const again = [`/topic/rooms/${room}`, `/topic/rooms/${room}/events`, `/app/rooms/${room}/history`].map((d) => bob.subscribeNow(d));
    assert.equal(await bob.send(`/app/rooms/${room}`, { text: 'let me back' }), false);
    const refused = (await bob.errors.next(before + 4)).slice(before);
    assert.deepEqual(refused.map((e) => [e.error, e.destination]).sort(), [
      ['banned', `/app/rooms/${room}`],
      ['banned', `/app/rooms/${room}/history`],
      ['banned', `/topic/rooms/${room}`],
      ['banned', `/topic/rooms/${room}/events`],
    ]);
    // The room goes on without him; the owner cannot add him back either.
    assert.deepEqual(refusal(await as('olga').put(`/api/rooms/${room}/members/bob`)), { status: 403, error: 'banned' });
    await as('olga').json('POST', `/api/rooms/${room}/messages`, { text: 'after the ban' });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(messages.messages.length, 0);
    for (const inbox of again) assert.equal(inbox.messages.length, 0);
    assert.deepEqual(await texts(room), ['welcome', 'after the ban']);

    // Lifted: he may read and join again (he is not made a member by it).
    assert.equal((await moderator().delete(`/api/rooms/${room}/bans/bob`)).status, 204);
    assert.deepEqual((await as('olga').json('GET', `/api/rooms/${room}/members`)).map((m: { user: string }) => m.user), ['olga']);
    assert.equal((await bobRest.get(`/api/rooms/${room}/messages`)).status, 200);
    assert.equal((await bobRest.put(`/api/rooms/${room}/members/bob`)).status, 204);
    const back = await bob.subscribe(`/topic/rooms/${room}`);
    await as('olga').json('POST', `/api/rooms/${room}/messages`, { text: 'welcome back' });
    assert.deepEqual((await back.next(1)).map((m) => m.text), ['welcome back']);
  });

  it('a ban in a private room takes the member out; the owner cannot add them back until it is lifted', async () => {
    const room = newRoom('pmod');
    await as('olga').json('POST', '/api/rooms', { room, visibility: 'private' });
    await as('olga').json('PUT', `/api/rooms/${room}/members/bob`);
    const bob = await stomp('bob');
    await bob.subscribe(`/topic/rooms/${room}`);
    // The owner moderates her own room.
    assert.equal((await as('olga').post(`/api/rooms/${room}/bans`, { user: 'bob' })).status, 201);
    const [ended] = await bob.errors.next(1);
    assert.deepEqual([ended.error, ended.destination], ['banned', `/topic/rooms/${room}`]);
    assert.deepEqual((await as('olga').json('GET', `/api/rooms/${room}/members`)).map((m: { user: string }) => m.user), ['olga']);
    assert.deepEqual(refusal(await as('olga').put(`/api/rooms/${room}/members/bob`)), { status: 403, error: 'banned' });
    assert.deepEqual(refusal(await as('bob').get(`/api/rooms/${room}/messages`)), { status: 403, error: 'banned' });
    assert.equal((await as('olga').delete(`/api/rooms/${room}/bans/bob`)).status, 204);
    // Not a member any more: a private room is as if it did not exist, until he is added again.
    assert.deepEqual(refusal(await as('bob').get(`/api/rooms/${room}/messages`)), { status: 404, error: 'not-found' });
    assert.equal((await as('olga').put(`/api/rooms/${room}/members/bob`)).status, 204);
    assert.equal((await as('bob').get(`/api/rooms/${room}/messages`)).status, 200);
  });
});

describe('#13 item 6 restrictions are stored', () => {
  it('a mute and a ban hold after the server restarts', async () => {
    const room = await publicRoom();
    await moderator().json('POST', `/api/rooms/${room}/mutes`, { user: 'bob', seconds: 600 });
    await moderator().json('POST', `/api/rooms/${room}/bans`, { user: 'eve' });
    for (const c of open.splice(0)) await c.close();
    await server.stop();
    server = await startServer(env);
    assert.deepEqual(refusal(await as('bob').post(`/api/rooms/${room}/messages`, { text: 'after restart' })), { status: 403, error: 'muted' });
    assert.deepEqual(refusal(await as('eve').get(`/api/rooms/${room}/messages`)), { status: 403, error: 'banned' });
    const bob = await stomp('bob');
    assert.equal(await bob.send(`/app/rooms/${room}`, { text: 'after restart' }), false);
    assert.equal(bob.errors.bodies.at(-1).error, 'muted');
    assert.deepEqual(await texts(room), ['welcome']);
  });
});
