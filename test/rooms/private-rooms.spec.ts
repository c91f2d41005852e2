// #13 item 1: a private room is invisible and unreadable to non-members on every door (listing, history,
// SUBSCRIBE, SEND, SSE, long polling, REST, plain WebSocket), and a member's live subscriptions end on every
// door when they are removed; nothing a refused client sends is stored.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../http/http-client';
import { SseClient } from '../http/sse-client';
import { WsClient } from '../http/ws-client';
import { SioClient } from '../socketio/socketio-test-client';
import { startServer, type RunningServer } from '../support/server';
import { signToken } from '../support/tokens';
import { Rest, refusal } from './support/rest';
import { StompUser } from './support/stomp-user';

const SECRET = 'private-rooms-secret-0123456789';
let server: RunningServer;
let seq = 0;
const newRoom = (label = 'pr') => `${label}${Date.now().toString(36)}${seq++}`;
const token = (user: string, roles?: string[]) => signToken(user, SECRET, roles ? { roles } : {});
const as = (user: string, roles?: string[]) => new Rest(server.url, token(user, roles));
const stomp = (user: string) => StompUser.connect(server.wsUrl, { token: token(user) });
const open: Array<{ close(): unknown }> = [];

before(async () => {
  server = await startServer({ AUTH_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_SEC: '0' });
});
after(async () => {
  for (const c of open) await c.close();
  await server.stop();
});

/** A private room of olga's with one message in it. */
async function privateRoom(): Promise<{ room: string; first: { id: number } }> {
  const room = newRoom();
  await as('olga').json('POST', '/api/rooms', { room, visibility: 'private' });
  const first = await as('olga').json('POST', `/api/rooms/${room}/messages`, { text: 'for members only' });
  return { room, first };
}

async function heldPolls(n: number): Promise<void> {
  for (;;) {
    const metrics = await request(`${server.url}/metrics`);
    if (new RegExp(`chat_connections\\{door="long-poll",protocol="http"\\} ${n}\\b`).test(metrics.text)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('#13 a private room refuses non-members on every door', () => {
  it('REST: history, post, members, read markers, edit and delete are 404 not-found, as for no room; nothing is stored', async () => {
    const { room, first } = await privateRoom();
    const sam = as('sam');
    const ghost = newRoom('ghost');
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/api/rooms/${room}/messages`],
      ['GET', `/api/rooms/${room}/messages?after=0`],
      ['POST', `/api/rooms/${room}/messages`, { text: 'let me in' }],
      ['GET', `/api/rooms/${room}/members`],
      ['GET', `/api/rooms/${room}/read`],
      ['PUT', `/api/rooms/${room}/read`, { lastReadId: first.id }],
      ['PATCH', `/api/rooms/${room}/messages/${first.id}`, { text: 'vandalised' }],
      ['DELETE', `/api/rooms/${room}/messages/${first.id}`],
      ['GET', `/api/rooms/${room}/poll?timeout=1`],
      ['GET', `/api/rooms/${room}/poll?after=0&timeout=1`],
    ];
    for (const [method, path, body] of calls) {
      assert.deepEqual(refusal(await sam.call(method, path, body)), { status: 404, error: 'not-found' }, `${method} ${path}`);
    }
    // The unknown room next to it: the same answers where a room is needed.
    assert.deepEqual(refusal(await sam.get(`/api/rooms/${ghost}/members`)), { status: 404, error: 'not-found' });
    const stored = await as('olga').json('GET', `/api/rooms/${room}/messages`);
    assert.deepEqual(stored.map((m: { text: string; from: string }) => [m.from, m.text]), [['olga', 'for members only']]);
    assert.equal((await as('olga').json('GET', `/api/rooms/${room}/read`)).length, 0, 'no marker was set');
  });

  it('SSE and the plain WebSocket refuse the request with 404 before anything is streamed', async () => {
    const { room } = await privateRoom();
    const sse = await SseClient.open(`${server.url}/sse/rooms/${room}?access_token=${token('sam')}`);
    assert.equal(sse.status, 404);
    await sse.waitForEnd();
    assert.equal(sse.events.length, 0);
    assert.equal(await WsClient.refusal(`${server.wsUrl}/ws/chat?room=${room}&access_token=${token('sam')}`), 404);
    // Members get in on both.
    const member = await SseClient.open(`${server.url}/sse/rooms/${room}?access_token=${token('olga')}&lastEventId=0`);
    open.push(member);
    assert.equal(member.status, 200);
    await member.waitFor(() => member.messages.length === 1);
    const ws = await WsClient.open(`${server.wsUrl}/ws/chat?room=${room}&access_token=${token('olga')}`);
    open.push(ws);
  });

  it('STOMP: SUBSCRIBE to the topic, its events and its history, SEND to it and its actions: forbidden with the destination; nothing delivered or stored', async () => {
    const { room, first } = await privateRoom();
    const sam = await stomp('sam');
    open.push(sam);
    const destinations = [
      `/topic/rooms/${room}`,
      `/topic/rooms/${room}/events`,
      `/app/rooms/${room}/history`,
    ];
    const inboxes = destinations.map((d) => sam.subscribeNow(d));
    const sends: Array<[string, unknown]> = [
      [`/app/rooms/${room}`, { text: 'let me in' }],
      [`/app/rooms/${room}/read`, { lastReadId: first.id }],
      [`/app/rooms/${room}/edit`, { id: first.id, text: 'vandalised' }],
      [`/app/rooms/${room}/delete`, { id: first.id }],
    ];
    for (const [destination, body] of sends) assert.equal(await sam.send(destination, body), false, destination);
    const errors = await sam.errors.next(destinations.length + sends.length);
    const refused = errors.map((e) => [e.error, e.destination]);
    for (const d of [...destinations, ...sends.map(([d]) => d)]) assert.deepEqual(refused.find(([, dest]) => dest === d), ['forbidden', d]);
    for (const e of errors) assert.equal(typeof e.message, 'string');

    // The room goes on; sam sees none of it.
    await as('olga').json('POST', `/api/rooms/${room}/messages`, { text: 'still private' });
    const olga = await stomp('olga');
    open.push(olga);
    const history = await olga.ask(`/app/rooms/${room}/history`);
    assert.deepEqual(history.map((m: { text: string }) => m.text), ['for members only', 'still private']);
    for (const inbox of inboxes) assert.equal(inbox.messages.length, 0);
  });

  it('Socket.IO: join, message and read are not-found to a non-member; a member is removed from the room when they leave it', async () => {
    const { room, first } = await privateRoom();
    const sam = await SioClient.connect(server.url, { auth: { token: token('sam') } });
    open.push(sam);
    for (const [event, payload] of [
      ['join', { room }],
      ['join', { room, sinceId: 0 }],
      ['message', { room, text: 'let me in' }],
      ['read', { room, lastReadId: first.id }],
    ] as const) {
      const answer = await sam.ack(event, payload);
      assert.equal(answer.error, 'not-found', `${event} ${JSON.stringify(payload)}`);
    }
    await as('olga').json('PUT', `/api/rooms/${room}/members/sid`);
    const sid = await SioClient.connect(server.url, { auth: { token: token('sid') } });
    open.push(sid);
    await sid.join(room, 0);
    await sid.waitForMessage(first.id);
    assert.equal((await sid.ack('read', { room, lastReadId: first.id })).lastReadId, first.id);
    await as('olga').json('DELETE', `/api/rooms/${room}/members/sid`);
    await sid.waitFor(() => sid.events.some((e) => e.type === 'removed'), 'removed');
    assert.deepEqual(sid.events.find((e) => e.type === 'removed'), {
      type: 'removed', room, error: 'forbidden', message: `You may no longer read room ${room}.`,
    });
    const later = await as('olga').json('POST', `/api/rooms/${room}/messages`, { text: 'not for sid' });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sid.messages.some((m) => m.id === later.id), false);
    assert.equal(sam.messages.length, 0);
    const stored = await as('olga').json('GET', `/api/rooms/${room}/messages`);
    assert.deepEqual(stored.map((m: { text: string }) => m.text), ['for members only', 'not for sid']);
  });

  it('the listing and the room\'s members are as if it did not exist; a public room\'s name says nothing', async () => {
    const { room } = await privateRoom();
    assert.equal((await as('sam').json('GET', '/api/rooms')).some((r: { room: string }) => r.room === room), false);
    assert.equal((await as('olga').json('GET', '/api/rooms')).some((r: { room: string }) => r.room === room), true);
  });
});

describe('#13 removing a member ends their live subscriptions on every door', () => {
  it('STOMP subscriptions (messages and events) get forbidden for the destination and nothing more; SSE ends; /ws/chat closes 1008; a held poll is answered 404', async () => {
    const { room } = await privateRoom();
    await as('olga').json('PUT', `/api/rooms/${room}/members/mia`);
    const mia = await stomp('mia');
    open.push(mia);
    const messages = await mia.subscribe(`/topic/rooms/${room}`);
    const events = await mia.subscribe(`/topic/rooms/${room}/events`);
    const sse = await SseClient.open(`${server.url}/sse/rooms/${room}?access_token=${token('mia')}`);
    open.push(sse);
    const ws = await WsClient.open(`${server.wsUrl}/ws/chat?room=${room}&access_token=${token('mia')}`);
    open.push(ws);
    const poll = new Rest(server.url, token('mia')).get(`/api/rooms/${room}/poll?timeout=30`);
    await heldPolls(1);

    const live = await as('olga').json('POST', `/api/rooms/${room}/messages`, { text: 'before' });
    await messages.next(1);
    await sse.waitFor(() => sse.messages.length === 1);
    await ws.waitForFrames(1);
    assert.deepEqual((await poll).json(), [live]);

    const held = new Rest(server.url, token('mia')).get(`/api/rooms/${room}/poll?after=${live.id}&timeout=30`);
    await heldPolls(1);
    const eventsBefore = events.messages.length;
    assert.equal((await as('olga').delete(`/api/rooms/${room}/members/mia`)).status, 204);

    const ended = await mia.errors.next(2);
    assert.deepEqual(ended.map((e) => [e.error, e.destination]).sort(), [
      ['forbidden', `/topic/rooms/${room}`],
      ['forbidden', `/topic/rooms/${room}/events`],
    ]);
    await sse.waitForEnd();
    assert.equal(await ws.waitForClose(), 1008);
    assert.deepEqual(refusal(await held), { status: 404, error: 'not-found' });
    // Her STOMP subscriptions are gone, not only silent: she is no longer in the room's presence.
    for (let i = 0; ; i++) {
      const presence = await as('olga').json('GET', `/api/rooms/${room}/presence`);
      if (!presence.users.some((u: { user: string }) => u.user === 'mia')) break;
      if (i > 100) assert.fail(`mia is still present: ${JSON.stringify(presence)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(refusal(await new Rest(server.url, token('mia')).get(`/api/rooms/${room}/presence`)), { status: 404, error: 'not-found' });

    await as('olga').json('POST', `/api/rooms/${room}/messages`, { text: 'after' });
    await as('olga').json('PUT', `/api/rooms/${room}/read`, { lastReadId: live.id });
    // A message and an event later, what olga sees arrived, and mia got neither.
    const olga = await stomp('olga');
    open.push(olga);
    assert.equal((await olga.ask(`/app/rooms/${room}/history`)).length, 3);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(messages.bodies.map((m) => m.text), ['before']);
    assert.equal(events.messages.length, eventsBefore, 'no room event after the removal (the read event went to members)');
    assert.deepEqual(sse.messages.map((m) => m.text), ['before']);
    assert.equal(mia.errors.messages.length, 2, JSON.stringify(mia.errors.bodies));
  });

  it('whoever followed a name before it became a private room is cut off when it is created', async () => {
    const room = newRoom('squat');
    const lurker = await stomp('lurker');
    open.push(lurker);
    const early = await lurker.subscribe(`/topic/rooms/${room}`);
    const sse = await SseClient.open(`${server.url}/sse/rooms/${room}?access_token=${token('lurker')}`);
    open.push(sse);
    await as('olga').json('POST', '/api/rooms', { room, visibility: 'private' });
    const [cut] = await lurker.errors.next(1);
    assert.deepEqual([cut.error, cut.destination], ['forbidden', `/topic/rooms/${room}`]);
    await sse.waitForEnd();
    await as('olga').json('POST', `/api/rooms/${room}/messages`, { text: 'mine now' });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(early.messages.length, 0);
  });

  it('leaving a public room ends one\'s subscriptions there too (they may subscribe again)', async () => {
    const room = newRoom('pub');
    await as('olga').json('POST', '/api/rooms', { room });
    await as('pat').json('PUT', `/api/rooms/${room}/members/pat`);
    const pat = await stomp('pat');
    open.push(pat);
    await pat.subscribe(`/topic/rooms/${room}`);
    assert.equal((await as('pat').delete(`/api/rooms/${room}/members/pat`)).status, 204);
    const [ended] = await pat.errors.next(1);
    assert.deepEqual([ended.error, ended.destination], ['forbidden', `/topic/rooms/${room}`]);
    const again = await pat.subscribe(`/topic/rooms/${room}`);
    await as('olga').json('POST', `/api/rooms/${room}/messages`, { text: 'welcome back' });
    assert.deepEqual((await again.next(1)).map((m) => m.text), ['welcome back']);
  });
});
