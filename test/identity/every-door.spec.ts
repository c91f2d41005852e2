// #10 (item 3): with AUTH_TOKEN_SECRET set, identity holds on every door, not only STOMP: REST, SSE, long
// polling and /ws/chat need a token, reads included; `from` is the token's sub; client-message-id is the sender's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { postJson, request, type WireMessage } from '../http/http-client';
import { SseClient } from '../http/sse-client';
import { WsClient } from '../http/ws-client';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { bearer, signToken } from '../support/tokens';

const SECRET = 'every-door-test-secret-0123456789';
let server: RunningServer;
let seq = 0;
const newRoom = () => `door${Date.now().toString(36)}${seq++}`;
const alice = () => signToken('alice', SECRET);

before(async () => {
  server = await startServer({ AUTH_TOKEN_SECRET: SECRET });
});
after(async () => void (await server.stop()));

async function stored(room: string): Promise<WireMessage[]> {
  const answer = await request(`${server.url}/api/rooms/${room}/messages`, { headers: bearer(alice()) });
  assert.equal(answer.status, 200);
  return answer.json() as WireMessage[];
}

function assertUnauthorized(answer: { status: number; json(): unknown }): void {
  assert.equal(answer.status, 401);
  assert.equal((answer.json() as { error: string }).error, 'unauthorized');
}

describe('REST with AUTH_TOKEN_SECRET (#10)', () => {
  it('refuses an anonymous post with 401 and stores nothing', async () => {
    const room = newRoom();
    assertUnauthorized(await postJson(`${server.url}/api/rooms/${room}/messages`, { from: 'alice', text: 'not me' }));
    assertUnauthorized(
      await postJson(`${server.url}/api/rooms/${room}/messages`, { from: 'alice', text: 'forged' }, bearer(signToken('alice', 'some-other-secret-0123456789'))),
    );
    assert.deepEqual(await stored(room), []);
  });

  it('stores a post under the token\'s sub whatever `from` says (header or access_token)', async () => {
    const room = newRoom();
    const byHeader = await postJson(`${server.url}/api/rooms/${room}/messages`, { from: 'mallory', text: 'one' }, bearer(alice()));
    assert.equal(byHeader.status, 201);
    assert.equal((byHeader.json() as WireMessage).from, 'alice');
    const byQuery = await postJson(`${server.url}/api/rooms/${room}/messages?access_token=${signToken('bob', SECRET)}`, { from: 'alice', text: 'two' });
    assert.equal(byQuery.status, 201);
    assert.deepEqual((await stored(room)).map((m) => [m.from, m.text]), [['alice', 'one'], ['bob', 'two']]);
  });

  it('refuses anonymous reads (rooms, history, any spelling of the path) and answers them with a token', async () => {
    const room = newRoom();
    for (const path of ['/api/rooms', `/api/rooms/${room}/messages`, `/API/ROOMS/${room}/MESSAGES`, `/api/rooms/${room}/messages/`]) {
      assertUnauthorized(await request(`${server.url}${path}`));
      assert.equal((await request(`${server.url}${path}${path.includes('?') ? '&' : '?'}access_token=${alice()}`)).status, 200, path);
      assert.equal((await request(`${server.url}${path}`, { headers: bearer(alice()) })).status, 200, path);
    }
  });
});

describe('long polling and SSE with AUTH_TOKEN_SECRET (#10)', () => {
  it('refuses an anonymous long poll, answers one with access_token', async () => {
    const room = newRoom();
    assertUnauthorized(await request(`${server.url}/api/rooms/${room}/poll?after=0&timeout=1`));
    const answer = await request(`${server.url}/api/rooms/${room}/poll?after=0&timeout=1&access_token=${alice()}`);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json(), []);
  });

  it('refuses an anonymous event stream, opens one with access_token', async () => {
    const room = newRoom();
    const anonymous = await SseClient.open(`${server.url}/sse/rooms/${room}`);
    assert.equal(anonymous.status, 401);
    anonymous.close();
    const stream = await SseClient.open(`${server.url}/sse/rooms/${room}?access_token=${alice()}`);
    assert.equal(stream.status, 200);
    await postJson(`${server.url}/api/rooms/${room}/messages`, { from: 'x', text: 'live' }, bearer(signToken('carol', SECRET)));
    // The stream also carries room events (#13: alice's own join comes first), so wait for the message.
    await stream.waitFor(() => stream.messages.length >= 1);
    assert.deepEqual(stream.messages.map((m) => [m.from, m.text]), [['carol', 'live']]);
    stream.close();
  });
});

describe('/ws/chat with AUTH_TOKEN_SECRET (#10)', () => {
  it('refuses a handshake without a valid token with 401', async () => {
    assert.equal(await WsClient.refusal(`${server.wsUrl}/ws/chat?room=${newRoom()}`), 401);
    assert.equal(await WsClient.refusal(`${server.wsUrl}/ws/chat?room=${newRoom()}&access_token=not.a.jwt`), 401);
  });

  it('posts under the token\'s sub whatever the frame says', async () => {
    const room = newRoom();
    const client = await WsClient.open(`${server.wsUrl}/ws/chat?room=${room}&access_token=${alice()}`);
    client.send({ from: 'mallory', text: 'over the plain socket' });
    const [frame] = await client.waitForFrames(1);
    assert.equal(frame.from, 'alice');
    assert.deepEqual((await stored(room)).map((m) => m.from), ['alice']);
    client.close();
  });
});

describe('STOMP over SockJS with AUTH_TOKEN_SECRET (#10)', () => {
  it('refuses a CONNECT without a token with an ERROR, and takes one with a token', async () => {
    const refused = await sockJsConnect({ login: 'alice' });
    assert.match(refused, /^ERROR\n/);
    assert.match(refused, /message:missing token/);
    const accepted = await sockJsConnect({ passcode: alice() });
    assert.match(accepted, /^CONNECTED\n/);
    assert.match(accepted, /user-name:alice\n/);
  });
});

describe('client-message-id with AUTH_TOKEN_SECRET (#10)', () => {
  it('an anonymous post cannot pre-empt alice\'s id; neither can another signed-in sender', async () => {
    const room = newRoom();
    assertUnauthorized(
      await postJson(`${server.url}/api/rooms/${room}/messages`, { from: 'alice', text: 'squatting' }, { 'client-message-id': 'msg-1' }),
    );
    const bob = await postJson(`${server.url}/api/rooms/${room}/messages`, { text: 'bob squats too' }, { ...bearer(signToken('bob', SECRET)), 'client-message-id': 'msg-2' });
    assert.equal(bob.status, 201);

    const stomp = await RawStomp.open(`${server.wsUrl}/chat`);
    await stomp.connect({ passcode: alice() });
    for (const id of ['msg-1', 'msg-2']) {
      stomp.send(f('SEND', { destination: `/app/rooms/${room}`, receipt: id, 'client-message-id': id }, JSON.stringify({ text: `alice ${id}` })));
      await stomp.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === id);
    }
    stomp.close();
    assert.deepEqual((await stored(room)).map((m) => [m.from, m.text]), [['bob', 'bob squats too'], ['alice', 'alice msg-1'], ['alice', 'alice msg-2']]);
  });
});

/** CONNECT over SockJS's websocket transport; resolves with the first STOMP frame the server answers. */
function sockJsConnect(headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.wsUrl}/chat/000/${Math.random().toString(36).slice(2)}/websocket`);
    ws.on('error', reject);
    ws.on('message', (data: WebSocket.RawData) => {
      const text = data.toString();
      if (text === 'o') return ws.send(JSON.stringify([f('CONNECT', { 'accept-version': '1.2', host: 'x', ...headers })]));
      if (!text.startsWith('a')) return;
      resolve((JSON.parse(text.slice(1)) as string[])[0]);
      ws.terminate();
    });
    setTimeout(() => reject(new Error('no answer over SockJS')), 5_000).unref();
  });
}
