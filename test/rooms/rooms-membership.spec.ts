// #13 item 1: rooms and membership over REST (POST /api/rooms, members), GET /api/rooms showing only what
// the caller may see, with `unread`; and the bad input of each new path (item 9).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/server';
import { signToken } from '../support/tokens';
import { Rest, refusal } from './support/rest';

const SECRET = 'rooms-membership-secret-0123456789';
let server: RunningServer;
let seq = 0;
const newRoom = (label = 'rm') => `${label}${Date.now().toString(36)}${seq++}`;
const as = (user: string, roles?: string[]) => new Rest(server.url, signToken(user, SECRET, roles ? { roles } : {}));

before(async () => {
  server = await startServer({ AUTH_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_SEC: '0' });
});
after(async () => void (await server.stop()));

describe('#13 POST /api/rooms', () => {
  it('creates a public room by default: 201 with the room object; the creator is its owner; 409 the second time', async () => {
    const alice = as('alice');
    const room = newRoom();
    const created = await alice.post('/api/rooms', { room });
    assert.equal(created.status, 201);
    const body = created.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['createdAt', 'createdBy', 'lastMessageAt', 'messages', 'room', 'title', 'unread', 'visibility']);
    assert.deepEqual(
      { room: body.room, title: body.title, visibility: body.visibility, createdBy: body.createdBy, messages: body.messages, unread: body.unread },
      { room, title: room, visibility: 'public', createdBy: 'alice', messages: 0, unread: 0 },
    );
    assert.ok(Math.abs(Date.parse(String(body.createdAt)) - Date.now()) < 60_000);
    const members = await alice.json('GET', `/api/rooms/${room}/members`);
    assert.deepEqual(members.map((m: { user: string; role: string }) => [m.user, m.role]), [['alice', 'owner']]);
    assert.ok(!Number.isNaN(Date.parse(members[0].since)));
    assert.deepEqual(refusal(await as('bob').post('/api/rooms', { room, visibility: 'private' })), { status: 409, error: 'room-exists' });
  });

  it('a room that exists by its messages is taken too (409), and so is the seed\'s room `messages`', async () => {
    const room = newRoom();
    assert.equal((await as('carol').post(`/api/rooms/${room}/messages`, { text: 'first' })).status, 201);
    assert.deepEqual(refusal(await as('dave').post('/api/rooms', { room, visibility: 'private' })), { status: 409, error: 'room-exists' });
    assert.deepEqual(refusal(await as('dave').post('/api/rooms', { room: 'messages', visibility: 'private' })), { status: 409, error: 'room-exists' });
    // A room made by its first message is public, described from that message.
    const listed = (await as('dave').json('GET', '/api/rooms')).find((r: { room: string }) => r.room === room);
    assert.deepEqual([listed.title, listed.visibility, listed.createdBy, listed.messages], [room, 'public', 'carol', 1]);
  });

  it('refuses bad input with its stable code and creates nothing', async () => {
    const alice = as('alice');
    const room = newRoom();
    const cases: Array<[unknown, number, string]> = [
      [{ room, title: 'x'.repeat(101) }, 400, 'invalid-title'],
      [{ room, title: '   ' }, 400, 'invalid-title'],
      [{ room, title: 'evil\u202Eoops' }, 400, 'invalid-title'],
      [{ room, title: 42 }, 400, 'invalid-title'],
      [{ room, visibility: 'secret' }, 400, 'invalid-visibility'],
      [{ room, visibility: ['private'] }, 400, 'invalid-visibility'],
      [{ room: 'no spaces' }, 400, 'invalid-room'],
      [{ room: 'x'.repeat(65) }, 400, 'invalid-room'],
      [{}, 400, 'invalid-room'],
      [[room], 400, 'bad-json'],
      ['"a string"', 400, 'bad-json'],
      ['null', 400, 'bad-json'],
    ];
    for (const [body, status, error] of cases) assert.deepEqual(refusal(await alice.post('/api/rooms', body)), { status, error }, JSON.stringify(body));
    assert.deepEqual(refusal(await alice.post('/api/rooms', '{"room":')), { status: 400, error: 'bad-json' });
    assert.equal((await alice.call('POST', '/api/rooms')).status, 400, 'no body at all');
    assert.equal((await alice.json('GET', '/api/rooms')).some((r: { room: string }) => r.room === room), false);
    // A title of exactly 100 characters (emoji count as one) is fine.
    const title = '🙂'.repeat(100);
    assert.equal((await alice.json('POST', '/api/rooms', { room, title })).title, title);
  });

  it('names that are JavaScript object keys are rooms and users like any other', async () => {
    const owner = as('__proto__');
    const room = `__proto__${seq++}`;
    assert.equal((await owner.post('/api/rooms', { room, visibility: 'private', title: 'constructor' })).status, 201);
    assert.equal((await owner.put(`/api/rooms/${room}/members/constructor`)).status, 204);
    const members = await owner.json('GET', `/api/rooms/${room}/members`);
    assert.deepEqual(members.map((m: { user: string }) => m.user).sort(), ['__proto__', 'constructor']);
    assert.deepEqual(refusal(await as('toString').get(`/api/rooms/${room}/members`)), { status: 404, error: 'not-found' });
    assert.equal((await as('constructor').get(`/api/rooms/${room}/messages`)).status, 200);
  });
});

describe('#13 GET /api/rooms', () => {
  it('lists public rooms and the caller\'s private ones, never another\'s; unread counts others\' messages after the marker', async () => {
    const alice = as('alice');
    const bob = as('bob');
    const open = newRoom('open');
    const secret = newRoom('secret');
    await alice.json('POST', '/api/rooms', { room: open, title: 'Open room' });
    await alice.json('POST', '/api/rooms', { room: secret, visibility: 'private', title: 'Secret' });
    const first = await alice.json('POST', `/api/rooms/${open}/messages`, { text: 'one' });
    await alice.json('POST', `/api/rooms/${open}/messages`, { text: 'two' });
    await bob.json('POST', `/api/rooms/${open}/messages`, { text: 'three' });
    await alice.json('POST', `/api/rooms/${secret}/messages`, { text: 'hidden' });

    const bobs = await bob.json('GET', '/api/rooms');
    assert.equal(bobs.some((r: { room: string }) => r.room === secret), false, 'a private room is invisible to non-members');
    const openForBob = bobs.find((r: { room: string }) => r.room === open);
    assert.deepEqual([openForBob.title, openForBob.messages, openForBob.unread], ['Open room', 3, 2]);
    assert.equal(openForBob.lastMessageAt !== null, true);

    const alices = await alice.json('GET', '/api/rooms');
    const secretForAlice = alices.find((r: { room: string }) => r.room === secret);
    assert.deepEqual([secretForAlice.visibility, secretForAlice.title, secretForAlice.messages, secretForAlice.unread], ['private', 'Secret', 1, 0]);
    assert.equal(alices.find((r: { room: string }) => r.room === open).unread, 1, "bob's message only");

    await bob.json('PUT', `/api/rooms/${open}/read`, { lastReadId: first.id });
    assert.equal((await bob.json('GET', '/api/rooms')).find((r: { room: string }) => r.room === open).unread, 1);
    // Rooms come sorted by name.
    const names = bobs.map((r: { room: string }) => r.room);
    assert.deepEqual(names, [...names].sort());
  });

  it('without an identity provider, an anonymous caller sees public rooms without `unread` and cannot create one', async () => {
    const app = await startServer({ RATE_LIMIT_PER_SEC: '0' });
    try {
      const anonymous = new Rest(app.url);
      await anonymous.json('POST', '/api/rooms/plain/messages', { from: 'ann', text: 'hi' });
      const listed = (await anonymous.json('GET', '/api/rooms')).find((r: { room: string }) => r.room === 'plain');
      assert.equal('unread' in listed, false);
      assert.deepEqual(refusal(await anonymous.post('/api/rooms', { room: 'mine' })), { status: 401, error: 'unauthorized' });
      assert.deepEqual(refusal(await anonymous.put('/api/rooms/plain/members/ann')), { status: 401, error: 'unauthorized' });
    } finally {
      await app.stop();
    }
  });
});

describe('#13 members', () => {
  it('anyone joins and leaves a public room; only the owner or staff add or remove others', async () => {
    const alice = as('alice');
    const room = newRoom();
    await alice.json('POST', '/api/rooms', { room });
    assert.equal((await as('bob').put(`/api/rooms/${room}/members/bob`)).status, 204);
    assert.equal((await as('bob').put(`/api/rooms/${room}/members/bob`)).status, 204, 'joining twice changes nothing');
    assert.deepEqual(refusal(await as('bob').put(`/api/rooms/${room}/members/carol`)), { status: 403, error: 'forbidden' });
    assert.deepEqual(refusal(await as('bob').delete(`/api/rooms/${room}/members/alice`)), { status: 403, error: 'forbidden' });
    assert.equal((await alice.put(`/api/rooms/${room}/members/carol`)).status, 204);
    assert.equal((await as('mod', ['moderator']).put(`/api/rooms/${room}/members/dave`)).status, 204);
    assert.equal((await as('root', ['admin']).delete(`/api/rooms/${room}/members/dave`)).status, 204);
    assert.equal((await as('carol').delete(`/api/rooms/${room}/members/carol`)).status, 204);
    const members = await as('stranger').json('GET', `/api/rooms/${room}/members`);
    assert.deepEqual(members.map((m: { user: string; role: string }) => [m.user, m.role]), [['alice', 'owner'], ['bob', 'member']]);
  });

  it('a private room: members see it, the owner adds and removes; nobody else may even learn it exists', async () => {
    const owner = as('olga');
    const room = newRoom('priv');
    await owner.json('POST', '/api/rooms', { room, visibility: 'private' });
    const stranger = as('sam');
    for (const [method, path] of [
      ['GET', `/api/rooms/${room}/members`],
      ['PUT', `/api/rooms/${room}/members/sam`],
      ['DELETE', `/api/rooms/${room}/members/olga`],
    ] as const) {
      assert.deepEqual(refusal(await stranger.call(method, path)), { status: 404, error: 'not-found' }, `${method} ${path}`);
      // Exactly what a room that does not exist answers.
      assert.deepEqual(refusal(await stranger.call(method, path.replace(room, newRoom('none')))), { status: 404, error: 'not-found' });
    }
    assert.equal((await owner.put(`/api/rooms/${room}/members/sam`)).status, 204);
    assert.deepEqual((await stranger.json('GET', `/api/rooms/${room}/members`)).map((m: { user: string }) => m.user), ['olga', 'sam']);
    assert.deepEqual(refusal(await stranger.put(`/api/rooms/${room}/members/tom`)), { status: 403, error: 'forbidden' }, 'a member is no owner');
    assert.equal((await owner.delete(`/api/rooms/${room}/members/sam`)).status, 204);
    assert.deepEqual(refusal(await stranger.get(`/api/rooms/${room}/members`)), { status: 404, error: 'not-found' });
    // Staff manage members of any room.
    assert.equal((await as('mod', ['moderator']).put(`/api/rooms/${room}/members/tom`)).status, 204);
    assert.equal((await as('tom').get(`/api/rooms/${room}/messages`)).status, 200);
  });

  it('refuses bad user names and unknown rooms with stable codes', async () => {
    const alice = as('alice');
    const room = newRoom();
    await alice.json('POST', '/api/rooms', { room });
    for (const user of [encodeURIComponent(' padded'), 'x'.repeat(65), encodeURIComponent('a\u0000b'), encodeURIComponent('zero\u200bwidth')]) {
      assert.deepEqual(refusal(await alice.put(`/api/rooms/${room}/members/${user}`)), { status: 400, error: 'invalid-user' }, user);
    }
    assert.deepEqual(refusal(await alice.put(`/api/rooms/bad%20room/members/bob`)), { status: 400, error: 'invalid-room' });
    assert.deepEqual(refusal(await alice.get(`/api/rooms/${newRoom('none')}/members`)), { status: 404, error: 'not-found' });
    assert.deepEqual(refusal(await alice.put(`/api/rooms/${newRoom('none')}/members/alice`)), { status: 404, error: 'not-found' });
    const members = await alice.json('GET', `/api/rooms/${room}/members`);
    assert.deepEqual(members.map((m: { user: string }) => m.user), ['alice']);
  });
});
