// #13 items 6 and 9: who may moderate, and bad input to the moderation paths: each refusal has its
// stable code and changes nothing; the audit trail (GET /api/audit, admins only) keeps every action,
// newest first, and nothing a user does to their own things.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../http/http-client';
import { startServer, type RunningServer } from '../support/server';
import { bearer, signToken } from '../support/tokens';
import { Rest, refusal } from './support/rest';

const SECRET = 'moderation-rules-secret-0123456789';
let server: RunningServer;
let seq = 0;
const newRoom = (label = 'mr') => `${label}${Date.now().toString(36)}${seq++}`;
const token = (user: string, roles?: string[]) => signToken(user, SECRET, roles ? { roles } : {});
const as = (user: string, roles?: string[]) => new Rest(server.url, token(user, roles));
const moderator = () => as('mona', ['moderator']);
const admin = () => as('root', ['admin']);

before(async () => {
  server = await startServer({ AUTH_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_SEC: '0' });
});
after(async () => {
  await server.stop();
});

/** A public room of olga's where bob has posted. */
async function room(): Promise<string> {
  const name = newRoom();
  await as('olga').json('POST', '/api/rooms', { room: name });
  await as('bob').json('POST', `/api/rooms/${name}/messages`, { text: 'hi' });
  return name;
}

/** bob is neither muted nor banned in `name`: he reads and posts. */
async function bobIsFree(name: string): Promise<void> {
  assert.equal((await as('bob').get(`/api/rooms/${name}/messages`)).status, 200);
  assert.equal((await as('bob').post(`/api/rooms/${name}/messages`, { text: 'still free' })).status, 201);
}

describe('#13 item 6 who may moderate', () => {
  it('a member, another room\'s owner or anyone without the role is 403 forbidden and nothing changes; anonymous is 401', async () => {
    const name = await room();
    const other = newRoom('other');
    await as('sam').json('POST', '/api/rooms', { room: other });
    for (const who of [as('carl'), as('sam'), as('bob', ['admin-ish']), as('bob')]) {
      for (const [method, path, body] of [
        ['POST', `/api/rooms/${name}/mutes`, { user: 'bob', seconds: 60 }],
        ['POST', `/api/rooms/${name}/bans`, { user: 'bob' }],
        ['DELETE', `/api/rooms/${name}/mutes/bob`],
        ['DELETE', `/api/rooms/${name}/bans/bob`],
      ] as Array<[string, string, unknown?]>) {
        assert.deepEqual(refusal(await who.call(method, path, body)), { status: 403, error: 'forbidden' }, `${method} ${path}`);
      }
    }
    const anonymous = new Rest(server.url);
    assert.deepEqual(refusal(await anonymous.post(`/api/rooms/${name}/bans`, { user: 'bob' })), { status: 401, error: 'unauthorized' });
    await bobIsFree(name);
    // Nobody mutes or bans themselves.
    assert.deepEqual(refusal(await moderator().post(`/api/rooms/${name}/bans`, { user: 'mona' })), { status: 403, error: 'forbidden' });
    assert.deepEqual(refusal(await as('olga').post(`/api/rooms/${name}/mutes`, { user: 'olga', seconds: 5 })), { status: 403, error: 'forbidden' });
  });

  it('the owner may mute in their own room; an admin anywhere', async () => {
    const name = await room();
    assert.equal((await as('olga').post(`/api/rooms/${name}/mutes`, { user: 'bob', seconds: 60 })).status, 201);
    assert.deepEqual(refusal(await as('bob').post(`/api/rooms/${name}/messages`, { text: 'x' })), { status: 403, error: 'muted' });
    assert.equal((await admin().delete(`/api/rooms/${name}/mutes/bob`)).status, 204);
    await bobIsFree(name);
  });
});

describe('#13 item 9 bad input to the moderation paths', () => {
  it('bad seconds, users, reasons, bodies and rooms get their stable codes and change nothing', async () => {
    const name = await room();
    const mod = moderator();
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', `/api/rooms/${name}/mutes`, { user: 'bob' }, 400, 'invalid-seconds'],
      ['POST', `/api/rooms/${name}/mutes`, { user: 'bob', seconds: 0 }, 400, 'invalid-seconds'],
      ['POST', `/api/rooms/${name}/mutes`, { user: 'bob', seconds: -5 }, 400, 'invalid-seconds'],
      ['POST', `/api/rooms/${name}/mutes`, { user: 'bob', seconds: 1.5 }, 400, 'invalid-seconds'],
      ['POST', `/api/rooms/${name}/mutes`, { user: 'bob', seconds: '60' }, 400, 'invalid-seconds'],
      ['POST', `/api/rooms/${name}/mutes`, { user: 'bob', seconds: 2_592_001 }, 400, 'invalid-seconds'],
      ['POST', `/api/rooms/${name}/mutes`, { user: 'bob', seconds: 1e300 }, 400, 'invalid-seconds'],
      ['POST', `/api/rooms/${name}/mutes`, { seconds: 60 }, 400, 'invalid-user'],
      ['POST', `/api/rooms/${name}/mutes`, { user: '', seconds: 60 }, 400, 'invalid-user'],
      ['POST', `/api/rooms/${name}/mutes`, { user: ' bob', seconds: 60 }, 400, 'invalid-user'],
      ['POST', `/api/rooms/${name}/mutes`, { user: 'b\u200bob', seconds: 60 }, 400, 'invalid-user'],
      ['POST', `/api/rooms/${name}/mutes`, { user: 'x'.repeat(65), seconds: 60 }, 400, 'invalid-user'],
      ['POST', `/api/rooms/${name}/mutes`, { user: 42, seconds: 60 }, 400, 'invalid-user'],
      ['POST', `/api/rooms/${name}/mutes`, [], 400, 'bad-json'],
      ['POST', `/api/rooms/${name}/mutes`, '"bob"', 400, 'bad-json'],
      ['POST', `/api/rooms/${name}/mutes`, '{"user":', 400, 'bad-json'],
      ['POST', `/api/rooms/${name}/bans`, { user: 'bob', reason: 7 }, 400, 'invalid-reason'],
      ['POST', `/api/rooms/${name}/bans`, { user: 'bob', reason: 'r'.repeat(501) }, 400, 'invalid-reason'],
      ['POST', `/api/rooms/${name}/bans`, { user: 'bob\n' }, 400, 'invalid-user'],
      ['POST', `/api/rooms/${name}/bans`, null, 400, 'bad-json'],
      ['DELETE', `/api/rooms/${name}/bans/${'x'.repeat(65)}`, undefined, 400, 'invalid-user'],
      ['DELETE', `/api/rooms/${name}/mutes/%E2%80%8Bbob`, undefined, 400, 'invalid-user'],
      ['POST', '/api/rooms/bad%20room/mutes', { user: 'bob', seconds: 60 }, 400, 'invalid-room'],
      ['POST', `/api/rooms/${newRoom('ghost')}/bans`, { user: 'bob' }, 404, 'not-found'],
      ['DELETE', `/api/rooms/${newRoom('ghost')}/bans/bob`, undefined, 404, 'not-found'],
    ];
    for (const [method, path, body, status, error] of cases) {
      assert.deepEqual(refusal(await mod.call(method, path, body)), { status, error }, `${method} ${path} ${JSON.stringify(body)}`);
    }
    const form = await request(`${server.url}/api/rooms/${name}/bans`, {
      method: 'POST', headers: { ...bearer(token('mona', ['moderator'])), 'content-type': 'text/plain' }, body: 'user=bob',
    });
    assert.equal(form.status, 415);
    await bobIsFree(name);
    // A private room the caller cannot see is not-found, as for no room.
    const secret = newRoom('secret');
    await as('olga').json('POST', '/api/rooms', { room: secret, visibility: 'private' });
    assert.deepEqual(refusal(await as('sam').post(`/api/rooms/${secret}/bans`, { user: 'bob' })), { status: 404, error: 'not-found' });
    assert.deepEqual((await admin().json('GET', `/api/audit?room=${name}`)), [], 'no refused action was kept');
  });
});

describe('#13 item 6 the audit trail', () => {
  it('keeps every moderation action, newest first, and none of what users do to their own things', async () => {
    const name = await room();
    const [bobs] = await as('bob').json('GET', `/api/rooms/${name}/messages`);
    const own = await as('carl').json('POST', `/api/rooms/${name}/messages`, { text: 'mine' });
    assert.equal((await as('carl').delete(`/api/rooms/${name}/messages/${own.id}`)).status, 204);
    assert.equal((await moderator().delete(`/api/rooms/${name}/messages/${bobs.id}`)).status, 204);
    await as('dora').json('PUT', `/api/rooms/${name}/members/dora`);
    await as('dora').json('DELETE', `/api/rooms/${name}/members/dora`);
    await as('eve').json('PUT', `/api/rooms/${name}/members/eve`);
    await as('olga').json('DELETE', `/api/rooms/${name}/members/eve`);
    await moderator().json('POST', `/api/rooms/${name}/mutes`, { user: 'bob', seconds: 90 });
    await moderator().json('DELETE', `/api/rooms/${name}/mutes/bob`);
    await moderator().json('DELETE', `/api/rooms/${name}/mutes/bob`);
    await moderator().json('POST', `/api/rooms/${name}/bans`, { user: 'eve', reason: 'flooding' });
    await admin().json('DELETE', `/api/rooms/${name}/bans/eve`);
    await admin().json('DELETE', `/api/rooms/${name}/bans/eve`);
    const unknown = newRoom('none');
    assert.equal((await admin().post(`/api/users/${unknown}/disconnect`)).status, 204);

    const entries = await admin().json('GET', `/api/audit?room=${name}`);
    assert.deepEqual(entries.map((e: any) => [e.actor, e.action, e.room, e.user]), [
      ['root', 'unban', name, 'eve'],
      ['mona', 'ban', name, 'eve'],
      ['mona', 'unmute', name, 'bob'],
      ['mona', 'mute', name, 'bob'],
      ['olga', 'remove-member', name, 'eve'],
      ['mona', 'delete', name, 'bob'],
    ]);
    const byAction = Object.fromEntries(entries.map((e: any) => [e.action, e]));
    assert.equal(byAction.delete.messageId, bobs.id);
    assert.equal(byAction.ban.detail, 'flooding');
    assert.match(byAction.mute.detail, /^90 s, until \d{4}-/);
    for (const e of entries) {
      assert.ok(Number.isInteger(e.id) && !Number.isNaN(Date.parse(e.at)), JSON.stringify(e));
      assert.deepEqual(Object.keys(e).filter((k) => !['messageId', 'detail'].includes(k)).sort(), ['action', 'actor', 'at', 'id', 'room', 'user']);
    }
    assert.ok(entries.every((e: any, i: number) => i === 0 || entries[i - 1].id > e.id), 'newest first');
    assert.equal('messageId' in byAction.mute, false);

    const all = await admin().json('GET', '/api/audit?limit=500');
    assert.deepEqual(all[0], { id: all[0].id, at: all[0].at, actor: 'root', action: 'disconnect', room: null, user: unknown });
    assert.deepEqual((await admin().json('GET', '/api/audit?limit=2')).map((e: any) => e.action), ['disconnect', 'unban']);
    assert.equal((await admin().json('GET', '/api/audit?room=&limit=1'))[0].action, 'disconnect', 'an empty room is no filter');
  });

  it('is for admins only; bad rooms and limits get stable codes', async () => {
    for (const who of [moderator(), as('olga')]) assert.deepEqual(refusal(await who.get('/api/audit')), { status: 403, error: 'forbidden' });
    assert.deepEqual(refusal(await moderator().get('/api/audit?limit=abc')), { status: 403, error: 'forbidden' }, 'the role first');
    assert.deepEqual(refusal(await new Rest(server.url).get('/api/audit')), { status: 401, error: 'unauthorized' });
    for (const query of ['limit=0', 'limit=501', 'limit=-1', 'limit=1.5', 'limit=abc', 'limit=1&limit=2']) {
      assert.deepEqual(refusal(await admin().get(`/api/audit?${query}`)), { status: 400, error: 'invalid-query' }, query);
    }
    for (const query of ['room=bad%20room', `room=${'r'.repeat(65)}`, 'room=a&room=b']) {
      assert.deepEqual(refusal(await admin().get(`/api/audit?${query}`)), { status: 400, error: 'invalid-room' }, query);
    }
    assert.deepEqual(refusal(await as('olga', ['moderator']).post('/api/users/bob/disconnect')), { status: 403, error: 'forbidden' });
    assert.deepEqual(refusal(await admin().post(`/api/users/${'x'.repeat(65)}/disconnect`)), { status: 400, error: 'invalid-user' });
  });
});
