// #12 item 4 / #13 item 6: POST /api/users/{user}/disconnect (admin) ends every session of the user on
// every door: STOMP (ERROR "disconnected", close 1008), SSE (the stream ends), the plain WebSocket (1008).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { RawStomp } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { bearer, signToken } from '../support/tokens';
import { SseClient } from '../http/sse-client';
import { WsClient } from '../http/ws-client';

const SECRET = 'admin-disconnect-secret-0123456789abcdef';
let server: RunningServer;
before(async () => {
  server = await startServer({ AUTH_TOKEN_SECRET: SECRET });
});
after(() => server.stop());

const disconnect = (user: string, token?: string) =>
  fetch(`${server.url}/api/users/${encodeURIComponent(user)}/disconnect`, { method: 'POST', headers: token ? bearer(token) : {} });

describe('#12 #13 admin disconnect of a user, every door', () => {
  it('ends the user\'s STOMP, SSE and plain WebSocket sessions and leaves everyone else\'s', async () => {
    const alice = signToken('alice', SECRET);
    const stomp = await RawStomp.open(`${server.wsUrl}/chat`);
    await stomp.connect({ passcode: alice, 'heart-beat': '0,0' });
    const sse = await SseClient.open(`${server.url}/sse/rooms/lobby?access_token=${alice}`);
    assert.equal(sse.status, 200);
    const plain = await WsClient.open(`${server.wsUrl}/ws/chat?room=lobby`, bearer(alice));
    const bystander = await RawStomp.open(`${server.wsUrl}/chat`);
    await bystander.connect({ passcode: signToken('bob', SECRET), 'heart-beat': '0,0' });

    const answer = await disconnect('alice', signToken('root', SECRET, { roles: ['admin'] }));
    assert.equal(answer.status, 204);

    const error = await stomp.expectErrorAndClose();
    assert.equal(error.headers.get('message'), 'disconnected');
    assert.equal(stomp.closeCode, 1008);
    await sse.waitForEnd();
    if (plain.closeCode === undefined) await once(plain.ws, 'close');
    assert.equal(plain.closeCode, 1008);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(bystander.closeCode, undefined, 'bob stays connected');
    bystander.close();
  });

  it('is for admins only: a member token gets 403, no token 401, and nothing is ended', async () => {
    const carol = await RawStomp.open(`${server.wsUrl}/chat`);
    await carol.connect({ passcode: signToken('carol', SECRET), 'heart-beat': '0,0' });
    const forbidden = await disconnect('carol', signToken('mallory', SECRET, { roles: ['moderator'] }));
    assert.equal(forbidden.status, 403);
    assert.equal((await forbidden.json()).error, 'forbidden');
    assert.equal((await disconnect('carol')).status, 401);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(carol.closeCode, undefined);
    carol.close();
  });

  it('names that collide with object keys are just names', async () => {
    const admin = signToken('root', SECRET, { roles: ['admin'] });
    for (const user of ['__proto__', 'constructor', 'toString']) assert.equal((await disconnect(user, admin)).status, 204);
    assert.equal((await fetch(`${server.url}/health/live`)).status, 200);
  });
});
