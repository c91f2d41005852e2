// #13 item 5: edits by the author within EDIT_WINDOW_SEC, deletions by the author or a moderator; stored so
// that history, every replay path and REST return the current state (tombstones keep ids continuous); live
// room events on STOMP and SSE. Item 9: someone else's message, after the window, unknown and hostile ids.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../http/http-client';
import { SseClient } from '../http/sse-client';
import { WsClient } from '../http/ws-client';
import { startServer, type RunningServer } from '../support/server';
import { signToken } from '../support/tokens';
import { Rest, refusal } from './support/rest';
import { StompUser } from './support/stomp-user';

const SECRET = 'edits-deletions-secret-0123456789';
const WINDOW_SEC = 3;
let server: RunningServer;
let frozen: RunningServer;
let seq = 0;
const newRoom = (label = 'ed') => `${label}${Date.now().toString(36)}${seq++}`;
const token = (user: string, roles?: string[]) => signToken(user, SECRET, roles ? { roles } : {});
const as = (user: string, roles?: string[], on = server) => new Rest(on.url, token(user, roles));
const open: Array<{ close(): unknown }> = [];
const stomp = async (user: string, roles?: string[]) => {
  const c = await StompUser.connect(server.wsUrl, { token: token(user, roles) });
  open.push(c);
  return c;
};

before(async () => {
  [server, frozen] = await Promise.all([
    startServer({ AUTH_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_SEC: '0', EDIT_WINDOW_SEC: String(WINDOW_SEC) }),
    startServer({ AUTH_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_SEC: '0', EDIT_WINDOW_SEC: '0' }),
  ]);
});
after(async () => {
  for (const c of open) await c.close();
  await Promise.all([server.stop(), frozen.stop()]);
});

const TOMBSTONE_KEYS = ['deleted', 'from', 'id', 'room', 'sentAt', 'text', 'time'];

describe('#13 edits', () => {
  it('the author edits over STOMP: RECEIPT once stored, an edit event on STOMP and SSE (no id: line), the new text everywhere after', async () => {
    const room = newRoom();
    const ann = await stomp('ann');
    const events = await ann.subscribe(`/topic/rooms/${room}/events`);
    const sse = await SseClient.open(`${server.url}/sse/rooms/${room}?access_token=${token('viewer')}`);
    open.push(sse);
    const before = await as('ann').json('POST', `/api/rooms/${room}/messages`, { text: 'helo' });
    const next = await as('bob').json('POST', `/api/rooms/${room}/messages`, { text: 'hi ann' });
    assert.equal(await ann.send(`/app/rooms/${room}/edit`, { id: before.id, text: '  hello  ' }), true);

    // Presence joins come on the same topic: pick the edit.
    const event = await events.find((e) => e.type === 'edit');
    assert.deepEqual({ ...event.message, editedAt: undefined }, { ...before, text: 'hello', editedAt: undefined });
    assert.ok(Date.parse(event.message.editedAt) >= Date.parse(before.sentAt));
    await sse.waitFor(() => sse.events.some((e) => e.event === 'edit'));
    const edit = sse.events.find((e) => e.event === 'edit')!;
    assert.equal(edit.id, undefined);
    assert.deepEqual(JSON.parse(edit.data), event);

    const current = [event.message, next];
    // History (STOMP), REST, since-id and Last-Event-ID replays, a long poll: all the current state.
    assert.deepEqual(await ann.ask(`/app/rooms/${room}/history`), current);
    assert.deepEqual(await as('bob').json('GET', `/api/rooms/${room}/messages`), current);
    const replay = await ann.subscribe(`/topic/rooms/${room}`, { 'since-id': '0' });
    assert.deepEqual(await replay.next(2), current);
    const resumed = await SseClient.open(`${server.url}/sse/rooms/${room}?access_token=${token('viewer')}&lastEventId=0`);
    open.push(resumed);
    await resumed.waitFor(() => resumed.messages.length === 2);
    assert.deepEqual(resumed.messages, current);
    assert.deepEqual((await as('bob').get(`/api/rooms/${room}/poll?after=0&timeout=1`)).json(), current);
  });

  it('PATCH /api/rooms/{room}/messages/{id} by the author answers the message as stored now', async () => {
    const room = newRoom();
    const posted = await as('ann').json('POST', `/api/rooms/${room}/messages`, { text: 'typo' });
    const edited = await as('ann').json('PATCH', `/api/rooms/${room}/messages/${posted.id}`, { text: 'fixed' });
    assert.deepEqual([edited.id, edited.text, edited.from], [posted.id, 'fixed', 'ann']);
    assert.ok(edited.editedAt);
    const again = await as('ann').json('PATCH', `/api/rooms/${room}/messages/${posted.id}`, { text: 'fixed again' });
    assert.ok(Date.parse(again.editedAt) >= Date.parse(edited.editedAt));
  });

  it('someone else\'s message, a deleted one, bad text and ids: stable codes, and the message stays as it was', async () => {
    const room = newRoom();
    const other = newRoom();
    const posted = await as('ann').json('POST', `/api/rooms/${room}/messages`, { text: 'original' });
    const elsewhere = await as('ann').json('POST', `/api/rooms/${other}/messages`, { text: 'elsewhere' });
    const doomed = await as('ann').json('POST', `/api/rooms/${room}/messages`, { text: 'doomed' });
    await as('ann').json('DELETE', `/api/rooms/${room}/messages/${doomed.id}`);
    const path = (id: string | number) => `/api/rooms/${room}/messages/${id}`;
    const cases: Array<[Rest, string, unknown, number, string]> = [
      [as('bob'), path(posted.id), { text: 'mine now' }, 403, 'not-author'],
      [as('mod', ['moderator']), path(posted.id), { text: 'moderated' }, 403, 'not-author'],
      [as('ann'), path(doomed.id), { text: 'back to life' }, 409, 'message-deleted'],
      [as('ann'), path(posted.id), { text: '   ' }, 400, 'invalid-text'],
      [as('ann'), path(posted.id), { text: 'x'.repeat(4001) }, 400, 'invalid-text'],
      [as('ann'), path(posted.id), { text: 42 }, 400, 'invalid-text'],
      [as('ann'), path(posted.id), {}, 400, 'invalid-text'],
      [as('ann'), path(posted.id), ['text'], 400, 'bad-json'],
      [as('ann'), path('__proto__'), { text: 'x' }, 400, 'invalid-message-id'],
      [as('ann'), path('constructor'), { text: 'x' }, 400, 'invalid-message-id'],
      [as('ann'), path('1.5'), { text: 'x' }, 400, 'invalid-message-id'],
      [as('ann'), path('-1'), { text: 'x' }, 400, 'invalid-message-id'],
      [as('ann'), path('0'), { text: 'x' }, 400, 'invalid-message-id'],
      [as('ann'), path('1e3'), { text: 'x' }, 400, 'invalid-message-id'],
      [as('ann'), path('9'.repeat(16)), { text: 'x' }, 400, 'invalid-message-id'],
      [as('ann'), path(999_999_999), { text: 'x' }, 404, 'unknown-message'],
      [as('ann'), path(elsewhere.id), { text: 'x' }, 404, 'unknown-message'],
    ];
    for (const [who, p, body, status, error] of cases) assert.deepEqual(refusal(await who.patch(p, body)), { status, error }, `${p} ${JSON.stringify(body)}`);
    const bob = await stomp('bob');
    for (const [body, code] of [
      [{ id: posted.id, text: 'mine now' }, 'not-author'],
      [{ id: '__proto__', text: 'x' }, 'invalid-message-id'],
      [{ id: 1.5, text: 'x' }, 'invalid-message-id'],
      [{ text: 'x' }, 'invalid-message-id'],
      [{ id: 999_999_999, text: 'x' }, 'unknown-message'],
      ['[1]', 'bad-json'],
    ] as const) {
      assert.equal(await bob.send(`/app/rooms/${room}/edit`, body), false);
      assert.equal(bob.errors.bodies.at(-1).error, code, JSON.stringify(body));
    }
    const [stored] = await as('ann').json('GET', `/api/rooms/${room}/messages`);
    assert.deepEqual(stored, posted, 'unchanged: no editedAt, the original text');
  });

  it('after EDIT_WINDOW_SEC the author may no longer edit; with EDIT_WINDOW_SEC=0 never', async () => {
    const room = newRoom();
    const posted = await as('ann').json('POST', `/api/rooms/${room}/messages`, { text: 'soon too late' });
    await new Promise((r) => setTimeout(r, WINDOW_SEC * 1000 + 300));
    assert.deepEqual(refusal(await as('ann').patch(`/api/rooms/${room}/messages/${posted.id}`, { text: 'late' })), { status: 403, error: 'edit-window-passed' });
    const ann = await stomp('ann');
    assert.equal(await ann.send(`/app/rooms/${room}/edit`, { id: posted.id, text: 'late' }), false);
    assert.equal(ann.errors.bodies.at(-1).error, 'edit-window-passed');
    assert.deepEqual((await as('ann').json('GET', `/api/rooms/${room}/messages`))[0], posted);

    const fresh = await as('ann', undefined, frozen).json('POST', `/api/rooms/${room}/messages`, { text: 'never editable' });
    assert.deepEqual(refusal(await as('ann', undefined, frozen).patch(`/api/rooms/${room}/messages/${fresh.id}`, { text: 'no' })), { status: 403, error: 'edit-window-passed' });
    // Deleting is not bound to the window.
    assert.equal((await as('ann', undefined, frozen).delete(`/api/rooms/${room}/messages/${fresh.id}`)).status, 204);
  });
});

describe('#13 deletions', () => {
  it('the author deletes over STOMP: a delete event on STOMP and SSE, and a tombstone in history, REST and every replay; ids stay continuous', async () => {
    const room = newRoom();
    const ann = await stomp('ann');
    const events = await ann.subscribe(`/topic/rooms/${room}/events`);
    const sse = await SseClient.open(`${server.url}/sse/rooms/${room}?access_token=${token('viewer')}`);
    open.push(sse);
    const ws = await WsClient.open(`${server.wsUrl}/ws/chat?room=${room}&access_token=${token('viewer')}`);
    open.push(ws);
    const a = await as('ann').json('POST', `/api/rooms/${room}/messages`, { text: 'one' });
    const b = await as('ann').json('POST', `/api/rooms/${room}/messages`, { text: 'secret, oops' });
    const c = await as('bob').json('POST', `/api/rooms/${room}/messages`, { text: 'three' });
    assert.equal(await ann.send(`/app/rooms/${room}/delete`, { id: b.id }), true);

    const event = await events.find((e) => e.type === 'delete');
    assert.deepEqual(Object.keys(event).sort(), ['at', 'deletedBy', 'id', 'room', 'type']);
    assert.deepEqual([event.type, event.room, event.id, event.deletedBy], ['delete', room, b.id, 'ann']);
    await sse.waitFor(() => sse.events.some((e) => e.event === 'delete'));
    const deleted = sse.events.find((e) => e.event === 'delete')!;
    assert.equal(deleted.id, undefined);
    assert.deepEqual(JSON.parse(deleted.data), event);

    const tombstone = { id: b.id, room, from: 'ann', sentAt: b.sentAt, time: b.time, deleted: true, text: '' };
    const current = [a, tombstone, c];
    const history = await ann.ask(`/app/rooms/${room}/history`);
    assert.deepEqual(history, current);
    assert.deepEqual(Object.keys(history[1]).sort(), TOMBSTONE_KEYS);
    assert.deepEqual(await as('bob').json('GET', `/api/rooms/${room}/messages`), current);
    assert.deepEqual(await as('bob').json('GET', `/api/rooms/${room}/messages?after=${a.id}&limit=1`), [tombstone]);
    const replay = await ann.subscribe(`/topic/rooms/${room}`, { 'since-id': String(a.id) });
    assert.deepEqual(await replay.next(2), [tombstone, c]);
    const resumed = await SseClient.open(`${server.url}/sse/rooms/${room}?access_token=${token('viewer')}&lastEventId=${a.id}`);
    open.push(resumed);
    await resumed.waitFor(() => resumed.messages.length === 2);
    assert.deepEqual(resumed.messages, [tombstone, c]);
    assert.deepEqual((await as('bob').get(`/api/rooms/${room}/poll?after=${a.id}&timeout=1`)).json(), [tombstone, c]);
    // The plain WebSocket carries messages only: the three messages, no event.
    await ws.waitForFrames(3);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(ws.frames.map((m) => m.id), [a.id, b.id, c.id]);
  });

  it('a moderator or an admin deletes anyone\'s message (REST 204); anyone else is forbidden; a second delete changes nothing', async () => {
    const room = newRoom();
    const watcher = await stomp('watcher');
    const events = await watcher.subscribe(`/topic/rooms/${room}/events`);
    const x = await as('ann').json('POST', `/api/rooms/${room}/messages`, { text: 'rude' });
    const y = await as('ann').json('POST', `/api/rooms/${room}/messages`, { text: 'ruder' });
    assert.deepEqual(refusal(await as('bob').delete(`/api/rooms/${room}/messages/${x.id}`)), { status: 403, error: 'forbidden' });
    const bob = await stomp('bob');
    assert.equal(await bob.send(`/app/rooms/${room}/delete`, { id: x.id }), false);
    assert.equal(bob.errors.bodies.at(-1).error, 'forbidden');
    assert.equal((await as('mod', ['moderator']).delete(`/api/rooms/${room}/messages/${x.id}`)).status, 204);
    const root = await stomp('root', ['admin']);
    assert.equal(await root.send(`/app/rooms/${room}/delete`, { id: y.id }), true);
    assert.equal((await as('ann').delete(`/api/rooms/${room}/messages/${x.id}`)).status, 204, 'a tombstone again: nothing to do');
    await events.find((e) => e.type === 'delete' && e.id === y.id);
    await new Promise((r) => setTimeout(r, 150));
    const deletions = events.bodies.filter((e) => e.type === 'delete');
    assert.deepEqual(deletions.map((e) => [e.id, e.deletedBy]), [[x.id, 'mod'], [y.id, 'root']]);
    const stored = await as('ann').json('GET', `/api/rooms/${room}/messages`);
    assert.deepEqual(stored.map((m: { deleted?: boolean; text: string }) => [m.deleted, m.text]), [[true, ''], [true, '']]);
  });

  it('a moderator deletes in a private room they are not in, and the room stays invisible to them otherwise', async () => {
    const room = newRoom('pd');
    await as('olga').json('POST', '/api/rooms', { room, visibility: 'private' });
    const m = await as('olga').json('POST', `/api/rooms/${room}/messages`, { text: 'reported' });
    assert.equal((await as('mod', ['moderator']).delete(`/api/rooms/${room}/messages/${m.id}`)).status, 204);
    assert.deepEqual(refusal(await as('mod', ['moderator']).get(`/api/rooms/${room}/messages`)), { status: 404, error: 'not-found' });
    assert.deepEqual(refusal(await as('sam').delete(`/api/rooms/${room}/messages/${m.id}`)), { status: 404, error: 'not-found' });
    assert.equal((await as('olga').json('GET', `/api/rooms/${room}/messages`))[0].deleted, true);
  });

  it('refuses hostile ids with stable codes and deletes nothing', async () => {
    const room = newRoom();
    const kept = await as('ann').json('POST', `/api/rooms/${room}/messages`, { text: 'kept' });
    for (const [id, status, error] of [
      ['__proto__', 400, 'invalid-message-id'],
      ['abc', 400, 'invalid-message-id'],
      ['0', 400, 'invalid-message-id'],
      ['1.5', 400, 'invalid-message-id'],
      [String(999_999_999), 404, 'unknown-message'],
    ] as const) {
      assert.deepEqual(refusal(await as('ann').delete(`/api/rooms/${room}/messages/${id}`)), { status, error }, id);
    }
    assert.deepEqual(refusal(await as('ann').delete(`/api/rooms/no%20room/messages/${kept.id}`)), { status: 400, error: 'invalid-room' });
    const anonymous = await request(`${server.url}/api/rooms/${room}/messages/${kept.id}`, { method: 'DELETE' });
    assert.equal(anonymous.status, 401);
    assert.deepEqual(await as('ann').json('GET', `/api/rooms/${room}/messages`), [kept]);
  });
});
