// #3: identity: login names the user; with AUTH_TOKEN_SECRET only a valid HS256 JWT gets in, and its sub is `from`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';

const SECRET = 'a-test-secret-of-some-length';
let server: RunningServer;
const chat = () => `${server.wsUrl}/chat`;

before(async () => {
  server = await startServer({ AUTH_TOKEN_SECRET: SECRET });
});
after(async () => void (await server.stop()));

async function connectWith(headers: Record<string, string>): Promise<RawStomp> {
  const c = await RawStomp.open(chat());
  c.send(f('CONNECT', { 'accept-version': '1.2', 'heart-beat': '0,0', ...headers }));
  return c;
}

describe('JWT identity', () => {
  it('refuses a CONNECT without a token', async () => {
    const c = await connectWith({ login: 'mallory' });
    const e = await c.expectErrorAndClose();
    assert.match(e.headers.get('message') ?? '', /missing token/);
  });

  it('refuses a forged token', async () => {
    const forged = jwt.sign({ sub: 'alice' }, 'not-the-secret-at-all', { algorithm: 'HS256' });
    const e = await (await connectWith({ passcode: forged })).expectErrorAndClose();
    assert.match(e.headers.get('message') ?? '', /invalid token/);
  });

  it('refuses an expired token', async () => {
    const expired = jwt.sign({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 60 }, SECRET, { algorithm: 'HS256' });
    const e = await (await connectWith({ passcode: expired })).expectErrorAndClose();
    assert.match(e.headers.get('message') ?? '', /expired/);
  });

  it('refuses alg=none', async () => {
    const none = jwt.sign({ sub: 'alice' }, '', { algorithm: 'none' });
    await (await connectWith({ passcode: none })).expectErrorAndClose();
  });

  it('accepts a valid token in passcode or Authorization: Bearer; sub is `from` whatever the body says', async () => {
    const token = jwt.sign({ sub: 'alice' }, SECRET, { algorithm: 'HS256', expiresIn: '5m' });
    const a = await connectWith({ passcode: token, login: 'someone-else' });
    const connected = await a.command('CONNECTED');
    assert.equal(connected.headers.get('user-name'), 'alice');
    const b = await connectWith({ Authorization: `Bearer ${token}` });
    await b.command('CONNECTED');
    const room = `id${Date.now()}`;
    a.send(f('SUBSCRIBE', { id: 's', destination: `/topic/rooms/${room}`, receipt: 's' }));
    await a.command('RECEIPT');
    a.send(f('SEND', { destination: `/app/rooms/${room}`, receipt: 'm' }, JSON.stringify({ from: 'bob', text: 'who am i' })));
    const m = await a.command('MESSAGE');
    assert.equal(JSON.parse(m.body.toString()).from, 'alice');
    // Reads need a token too (docs/identity.md: every door, #10).
    const stored = await (await fetch(`${server.url}/api/rooms/${room}/messages`, { headers: { authorization: `Bearer ${token}` } })).json();
    assert.equal(stored[0].from, 'alice');
    a.close();
    b.close();
  });
});

describe('anonymous sessions', () => {
  let open: RunningServer;
  before(async () => { open = await startServer(); });
  after(async () => void (await open.stop()));

  it('cannot DM under the name of a signed-in user', async () => {
    const signedIn = await RawStomp.open(`${open.wsUrl}/chat`);
    await signedIn.connect({ login: 'boss' });
    const anon = await RawStomp.open(`${open.wsUrl}/chat`);
    await anon.connect();
    anon.send(f('SUBSCRIBE', { id: 'e', destination: '/user/queue/errors', receipt: 's' }));
    await anon.command('RECEIPT');
    anon.send(f('SEND', { destination: '/app/dm/victim', receipt: 'dm1' }, JSON.stringify({ from: 'boss', text: 'wire money' })));
    const e = await anon.command('MESSAGE');
    const body = JSON.parse(e.body.toString());
    assert.equal(body.error, 'invalid-from');
    assert.equal(body.receiptId, 'dm1');
    signedIn.close();
    anon.close();
  });
});
