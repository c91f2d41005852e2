// #15 item 2: the one identity rule on the Socket.IO door. With AUTH_TOKEN_SECRET a connection needs a
// valid JWT (auth.token, Authorization or ?access_token), refused with a connect_error; `from` is the
// token's sub; presence, typing, admin disconnect and token expiry work as on the other doors. Without an
// identity provider, auth.login names the user.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, signToken } from '../support/tokens';
import { startServer, type RunningServer } from '../support/server';
import { SIO_TRANSPORTS, SioClient } from './socketio-test-client';

const SECRET = 'socketio-identity-secret-0123456789abcdef';

let signed: RunningServer;
let anonymous: RunningServer;
before(async () => {
  [signed, anonymous] = await Promise.all([
    startServer({ AUTH_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_SEC: '0' }, 120_000),
    startServer({ RATE_LIMIT_PER_SEC: '0' }, 120_000),
  ]);
});
after(async () => {
  const codes = await Promise.all([signed.stop(), anonymous.stop()]);
  assert.deepEqual(codes, [0, 0]);
});

async function presence(server: RunningServer, room: string, token: string): Promise<string[]> {
  const answer = await fetch(`${server.url}/api/rooms/${room}/presence`, { headers: bearer(token) });
  assert.equal(answer.status, 200);
  const body = (await answer.json()) as { users: { user: string }[] };
  return body.users.map((u) => u.user).sort();
}

describe('#15 Socket.IO door: identity with AUTH_TOKEN_SECRET', { timeout: 300_000 }, () => {
  for (const transport of SIO_TRANSPORTS) {
    it(`#15 over ${transport}: no token, a bad token and an expired one are refused with a connect_error`, async () => {
      const none = await SioClient.refusal(signed.url, { transport });
      assert.equal(none.data?.error, 'unauthorized');
      assert.match(none.message, /token/);
      const forged = await SioClient.refusal(signed.url, { transport, auth: { token: signToken('alice', 'another-secret-entirely-0123456789') } });
      assert.equal(forged.data?.error, 'unauthorized');
      const expired = await SioClient.refusal(signed.url, { transport, auth: { token: signToken('alice', SECRET, { expiresInSec: -10 }) } });
      assert.equal(expired.data?.error, 'unauthorized');
      assert.match(expired.message, /expired/);
      // A login is no identity when tokens are required.
      const login = await SioClient.refusal(signed.url, { transport, auth: { login: 'alice' } });
      assert.equal(login.data?.error, 'unauthorized');
    });
  }

  it('#15 auth.token, ?access_token and Authorization all sign in; from is the sub; presence, typing and leave are room events', async () => {
    const room = 'signed-room';
    const alice = await SioClient.connect(signed.url, { transport: 'websocket', auth: { token: signToken('alice', SECRET) } });
    const bob = await SioClient.connect(signed.url, { transport: 'polling', query: { access_token: signToken('bob', SECRET) } });
    const carol = await SioClient.connect(signed.url, { transport: 'polling', extraHeaders: bearer(signToken('carol', SECRET)) });
    const reader = signToken('reader', SECRET);
    try {
      await bob.join(room);
      await alice.join(room);
      await carol.join(room);
      assert.deepEqual(await presence(signed, room, reader), ['alice', 'bob', 'carol']);
      await bob.waitFor(() => bob.events.some((e) => e.type === 'join' && e.user === 'alice'), 'alice joining');
      const stored = await alice.post(room, 'signed', { from: 'mallory' });
      assert.equal(stored.from, 'alice', 'the token names the sender');
      await bob.waitForMessage(stored.id);
      assert.equal((await carol.post(room, 'me too')).from, 'carol');

      assert.deepEqual(await alice.ack('typing', { room, typing: true }), { ok: true });
      await bob.waitFor(() => bob.events.some((e) => e.type === 'typing' && e.user === 'alice' && e.typing === true), 'alice typing');
      const typing = bob.events.find((e) => e.type === 'typing')!;
      assert.equal(typing.room, room);
      assert.equal(typeof typing.at, 'string');

      await alice.ack('leave', { room });
      await bob.waitFor(() => bob.events.some((e) => e.type === 'leave' && e.user === 'alice'), 'alice leaving');
      assert.deepEqual(await presence(signed, room, reader), ['bob', 'carol']);
      assert.ok(!bob.events.some((e) => e.room !== room), 'only the events of the joined room');
    } finally {
      alice.close();
      bob.close();
      carol.close();
    }
  });

  it('#15 an admin disconnect and an expiring token end the Socket.IO session; presence forgets it', async () => {
    const room = 'kicked';
    const dave = await SioClient.connect(signed.url, { transport: 'websocket', auth: { token: signToken('dave', SECRET) } });
    const erin = await SioClient.connect(signed.url, { transport: 'polling', auth: { token: signToken('erin', SECRET, { expiresInSec: 3 }) } });
    try {
      await dave.join(room);
      await erin.join(room);
      const admin = signToken('root', SECRET, { roles: ['admin'] });
      const answer = await fetch(`${signed.url}/api/users/dave/disconnect`, { method: 'POST', headers: bearer(admin) });
      assert.equal(answer.status, 204);
      assert.equal(await dave.disconnected(), 'io server disconnect');
      assert.equal(await erin.disconnected(15_000), 'io server disconnect', 'the session ends when its token does');
      const deadline = Date.now() + 30_000;
      let users = await presence(signed, room, admin);
      while (users.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        users = await presence(signed, room, admin);
      }
      assert.deepEqual(users, []);
    } finally {
      dave.close();
      erin.close();
    }
  });
});

describe('#15 Socket.IO door: identity off', { timeout: 300_000 }, () => {
  it('#15 auth.login names the user; without one, from comes from the payload, and typing needs a name', async () => {
    const room = 'anon-room';
    const named = await SioClient.connect(anonymous.url, { transport: 'websocket', auth: { login: 'zoe' } });
    const nameless = await SioClient.connect(anonymous.url, { transport: 'polling' });
    try {
      await named.join(room);
      await nameless.join(room);
      assert.equal((await named.post(room, 'hi', { from: 'someone-else' })).from, 'zoe');
      assert.equal((await nameless.post(room, 'hello', { from: 'yann' })).from, 'yann');
      assert.equal((await nameless.ack('message', { room, text: 'who am i' })).error, 'invalid-from');
      assert.equal((await nameless.ack('typing', { room, typing: true })).error, 'invalid-from');
      const refused = await SioClient.refusal(anonymous.url, { transport: 'websocket', auth: { login: 'bad\u0000name' } });
      assert.equal(refused.data?.error, 'unauthorized');
    } finally {
      named.close();
      nameless.close();
    }
  });
});
