// #13 item 4: read markers per user and room, stored, only moving forward, as room events (STOMP
// /topic/rooms/{room}/events and SSE `event: read` without an `id:` line), and unread counts; item 9: the
// bad input of each path gets its stable code and changes nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SseClient } from '../http/sse-client';
import { startServer, type RunningServer } from '../support/server';
import { signToken } from '../support/tokens';
import { Rest, refusal } from './support/rest';
import { StompUser } from './support/stomp-user';

const SECRET = 'read-markers-secret-0123456789';
let server: RunningServer;
let seq = 0;
const newRoom = (label = 'rd') => `${label}${Date.now().toString(36)}${seq++}`;
const token = (user: string) => signToken(user, SECRET);
const as = (user: string) => new Rest(server.url, token(user));
const open: Array<{ close(): unknown }> = [];
const stomp = async (user: string) => {
  const c = await StompUser.connect(server.wsUrl, { token: token(user) });
  open.push(c);
  return c;
};

before(async () => {
  server = await startServer({ AUTH_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_SEC: '0' });
});
after(async () => {
  for (const c of open) await c.close();
  await server.stop();
});

async function roomWith(n: number, author = 'ann'): Promise<{ room: string; ids: number[] }> {
  const room = newRoom();
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await as(author).json('POST', `/api/rooms/${room}/messages`, { text: `m${i}` })).id);
  return { room, ids };
}

const unreadOf = async (user: string, room: string) =>
  (await as(user).json('GET', '/api/rooms')).find((r: { room: string }) => r.room === room).unread;

describe('#13 read markers', () => {
  it('SEND /app/rooms/{room}/read stores the marker (RECEIPT after), announces it on STOMP and SSE, and GET /read lists it', async () => {
    const { room, ids } = await roomWith(3);
    const watcher = await stomp('watcher');
    const events = await watcher.subscribe(`/topic/rooms/${room}/events`);
    const sse = await SseClient.open(`${server.url}/sse/rooms/${room}?access_token=${token('watcher')}`);
    open.push(sse);
    const bob = await stomp('bob');
    assert.equal(await bob.send(`/app/rooms/${room}/read`, { lastReadId: ids[1] }), true);
    const markers = await as('bob').json('GET', `/api/rooms/${room}/read`);
    assert.deepEqual(markers.map((m: { user: string; lastReadId: number }) => [m.user, m.lastReadId]), [['bob', ids[1]]]);
    assert.ok(!Number.isNaN(Date.parse(markers[0].at)));

    // Presence joins come on the same topic: pick the read event.
    const event = await events.find((e) => e.type === 'read');
    assert.deepEqual(event, { type: 'read', room, user: 'bob', lastReadId: ids[1] });
    await sse.waitFor(() => sse.events.some((e) => e.event === 'read'));
    const read = sse.events.find((e) => e.event === 'read')!;
    assert.equal(read.id, undefined, 'no id: line, so Last-Event-ID keeps meaning the message id');
    assert.deepEqual(JSON.parse(read.data), event);
    assert.equal(sse.lines.filter((l) => l.startsWith('id:')).length, 0);
  });

  it('PUT /api/rooms/{room}/read answers the marker; a marker never moves back: a lower one changes nothing and announces nothing', async () => {
    const { room, ids } = await roomWith(4);
    const watcher = await stomp('watcher');
    const events = await watcher.subscribe(`/topic/rooms/${room}/events`);
    const cara = as('cara');
    const first = await cara.json('PUT', `/api/rooms/${room}/read`, { lastReadId: ids[2] });
    assert.deepEqual([first.user, first.lastReadId], ['cara', ids[2]]);
    const back = await cara.json('PUT', `/api/rooms/${room}/read`, { lastReadId: ids[0] });
    assert.deepEqual([back.user, back.lastReadId, back.at], [first.user, first.lastReadId, first.at], 'the marker as it stands');
    const same = await cara.json('PUT', `/api/rooms/${room}/read`, { lastReadId: ids[2] });
    assert.equal(same.lastReadId, ids[2]);
    // Over STOMP a lower marker is no error either: a RECEIPT, and nothing moves.
    const caraStomp = await stomp('cara');
    assert.equal(await caraStomp.send(`/app/rooms/${room}/read`, { lastReadId: ids[1] }), true);
    assert.equal(caraStomp.errors.messages.length, 0);
    const forward = await cara.json('PUT', `/api/rooms/${room}/read`, { lastReadId: ids[3] });
    assert.equal(forward.lastReadId, ids[3]);
    // Exactly two read events: the first marker and the one that moved forward.
    await events.find((e) => e.type === 'read' && e.lastReadId === ids[3]);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(events.bodies.filter((e) => e.type === 'read').map((e) => e.lastReadId), [ids[2], ids[3]]);
    assert.deepEqual((await cara.json('GET', `/api/rooms/${room}/read`)).map((m: { lastReadId: number }) => m.lastReadId), [ids[3]]);
  });

  it('unread counts the others\' messages after the marker, not one\'s own, not deleted ones', async () => {
    const { room, ids } = await roomWith(3, 'ann');
    const dan = as('dan');
    assert.equal(await unreadOf('dan', room), 3, 'no marker: everything is unread');
    await dan.json('POST', `/api/rooms/${room}/messages`, { text: 'mine' });
    assert.equal(await unreadOf('dan', room), 3, 'one\'s own messages are not unread');
    await dan.json('PUT', `/api/rooms/${room}/read`, { lastReadId: ids[0] });
    assert.equal(await unreadOf('dan', room), 2);
    assert.equal((await as('ann').delete(`/api/rooms/${room}/messages/${ids[2]}`)).status, 204);
    assert.equal(await unreadOf('dan', room), 1, 'a tombstone is nothing to read');
    assert.equal(await unreadOf('ann', room), 1, 'dan\'s message, for ann');
  });

  it('refuses what is not a message id of the room with a stable code, and moves nothing', async () => {
    const { room, ids } = await roomWith(2);
    const other = await roomWith(1);
    const eve = as('eve');
    const bad: Array<[unknown, number, string]> = [
      [{ lastReadId: 0 }, 400, 'invalid-read-marker'],
      [{ lastReadId: -1 }, 400, 'invalid-read-marker'],
      [{ lastReadId: 1.5 }, 400, 'invalid-read-marker'],
      [{ lastReadId: 1e21 }, 400, 'invalid-read-marker'],
      [{ lastReadId: 'abc' }, 400, 'invalid-read-marker'],
      [{ lastReadId: '__proto__' }, 400, 'invalid-read-marker'],
      [{ lastReadId: null }, 400, 'invalid-read-marker'],
      [{ lastReadId: [ids[0]] }, 400, 'invalid-read-marker'],
      [{}, 400, 'invalid-read-marker'],
      [{ lastReadId: 999_999_999 }, 404, 'unknown-message'],
      [{ lastReadId: other.ids[0] }, 404, 'unknown-message'],
      [[ids[0]], 400, 'bad-json'],
      ['"x"', 400, 'bad-json'],
    ];
    for (const [body, status, error] of bad) {
      assert.deepEqual(refusal(await eve.put(`/api/rooms/${room}/read`, body)), { status, error }, JSON.stringify(body));
    }
    assert.deepEqual(refusal(await eve.put(`/api/rooms/bad%20room/read`, { lastReadId: ids[0] })), { status: 400, error: 'invalid-room' });
    const eveStomp = await stomp('eve');
    for (const [body, code] of [[{ lastReadId: 'x' }, 'invalid-read-marker'], [{ lastReadId: 999_999_999 }, 'unknown-message'], ['not json', 'bad-json']] as const) {
      assert.equal(await eveStomp.send(`/app/rooms/${room}/read`, body), false);
      assert.equal(eveStomp.errors.bodies.at(-1).error, code);
    }
    assert.deepEqual(await eve.json('GET', `/api/rooms/${room}/read`), []);
  });

  it('a private room lists the markers of its members only', async () => {
    const room = newRoom('prd');
    const olga = as('olga');
    await olga.json('POST', '/api/rooms', { room, visibility: 'private' });
    await olga.json('PUT', `/api/rooms/${room}/members/pia`);
    const { id } = await olga.json('POST', `/api/rooms/${room}/messages`, { text: 'x' });
    await olga.json('PUT', `/api/rooms/${room}/read`, { lastReadId: id });
    await as('pia').json('PUT', `/api/rooms/${room}/read`, { lastReadId: id });
    assert.deepEqual((await olga.json('GET', `/api/rooms/${room}/read`)).map((m: { user: string }) => m.user), ['olga', 'pia']);
    await olga.json('DELETE', `/api/rooms/${room}/members/pia`);
    assert.deepEqual((await olga.json('GET', `/api/rooms/${room}/read`)).map((m: { user: string }) => m.user), ['olga']);
    assert.deepEqual(refusal(await as('pia').get(`/api/rooms/${room}/read`)), { status: 404, error: 'not-found' });
  });

  it('anonymous sessions cannot keep a marker', async () => {
    const anonymous = await startServer({ RATE_LIMIT_PER_SEC: '0' });
    try {
      const room = newRoom();
      const { id } = await new Rest(anonymous.url).json('POST', `/api/rooms/${room}/messages`, { from: 'x', text: 'hi' });
      assert.deepEqual(refusal(await new Rest(anonymous.url).put(`/api/rooms/${room}/read`, { lastReadId: id })), { status: 401, error: 'unauthorized' });
      const nobody = await StompUser.connect(anonymous.wsUrl, {});
      assert.equal(await nobody.send(`/app/rooms/${room}/read`, { lastReadId: id }), false);
      assert.equal(nobody.errors.bodies.at(-1).error, 'unauthorized');
      await nobody.close();
    } finally {
      await anonymous.stop();
    }
  });
});
