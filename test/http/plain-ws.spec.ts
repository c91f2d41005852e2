import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { PlainWsGateway } from '../../libs/transports/src/plain-ws';
import { startHttpApp, type HttpTestApp } from './http-test-app';
import { postJson, request, type WireMessage } from './http-client';
import { WsClient } from './ws-client';

describe('plain WebSocket: /ws/chat', () => {
  let t: HttpTestApp;
  before(async () => {
    t = await startHttpApp({ MAX_FRAME_BYTES: '8192', RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '3' });
  });
  after(() => t.stop());

  const history = async (room: string) => (await request(`${t.url}/api/rooms/${room}/messages`)).json() as WireMessage[];

  /** Subscribed once a REST post to the room reaches the socket. */
  async function ready(client: WsClient, room: string): Promise<void> {
    const marker = (await postJson(`${t.url}/api/rooms/${room}/messages`, { from: 'm', text: 'marker' })).json() as WireMessage;
    while (!client.frames.some((f) => f.id === marker.id)) await client.waitForFrames(client.frames.length + 1);
  }

  it('posts each text frame to the room and echoes the stored message to the sender too', async () => {
    const client = await WsClient.open(`${t.wsUrl}/ws/chat?room=pw-a`);
    await ready(client, 'pw-a');
    const start = client.frames.length;
    client.send({ from: 'ann', text: ' hi there ' });
    const [echo] = (await client.waitForFrames(start + 1)).slice(start);
    assert.deepEqual({ room: echo.room, from: echo.from, text: echo.text }, { room: 'pw-a', from: 'ann', text: 'hi there' });
    assert.deepEqual((await history('pw-a')).at(-1), echo);
    client.close();
  });

  it('uses room lobby by default', async () => {
    const client = await WsClient.open(`${t.wsUrl}/ws/chat`);
    await ready(client, 'lobby');
    client.close();
  });

  it('answers a bad frame with {error, message}, stores nothing, and stays open', async () => {
    const client = await WsClient.open(`${t.wsUrl}/ws/chat?room=pw-b`);
    const cases: Array<[unknown, string]> = [
      ['not json', 'bad-json'],
      ['[1,2]', 'bad-json'],
      [{ from: 'x', text: '' }, 'invalid-text'],
      [{ text: 'no sender' }, 'invalid-from'],
    ];
    for (const [frame] of cases) client.send(frame);
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const frames = await client.waitForFrames(cases.length + 1);
    // Refusals decided on arrival come before those the chat service decides: compare as sets.
    assert.deepEqual(frames.map((f) => f.error).sort(), [...cases.map(([, code]) => code), 'bad-frame'].sort());
    for (const f of frames) assert.equal(typeof f.message, 'string');
    assert.equal(client.ws.readyState, WebSocket.OPEN);
    assert.deepEqual(await history('pw-b'), []);
    client.close();
  });

  it('rate-limits a socket that sends too fast, without closing it', async () => {
    const client = await WsClient.open(`${t.wsUrl}/ws/chat?room=pw-c`);
    for (let i = 0; i < 5; i++) client.send({ from: 'r', text: `m${i}` });
    const frames = await client.waitForFrames(5);
    assert.equal(frames.filter((f) => f.error === 'rate-limited').length, 2);
    assert.equal(frames.filter((f) => typeof f.id === 'number').length, 3);
    assert.equal(client.ws.readyState, WebSocket.OPEN);
    assert.equal((await history('pw-c')).length, 3);
    client.close();
  });

  it('closes a socket that sends a frame over MAX_FRAME_BYTES (1009) and stores nothing', async () => {
    const client = await WsClient.open(`${t.wsUrl}/ws/chat?room=pw-d`);
    client.send({ from: 'x', text: 'y'.repeat(9000) });
    assert.equal(await client.waitForClose(), 1009);
    assert.deepEqual(await history('pw-d'), []);
  });

  it('refuses a bad room name with 400 and a foreign Origin with 403', async () => {
    assert.equal(await WsClient.refusal(`${t.wsUrl}/ws/chat?room=bad%20room`), 400);
    assert.equal(await WsClient.refusal(`${t.wsUrl}/ws/chat?room=${'x'.repeat(65)}`), 400);
    assert.equal(await WsClient.refusal(`${t.wsUrl}/ws/chat`, { Origin: 'http://evil.example' }), 403);
    const own = await WsClient.open(`${t.wsUrl}/ws/chat`, { Origin: t.url });
    own.close();
  });

  it('counts open sockets and forgets closed ones', async () => {
    const transport = t.app.get(PlainWsGateway);
    // Earlier tests closed their sockets; wait until the server has seen every close.
    while (transport.size !== 0) await new Promise((r) => setTimeout(r, 10));
    const client = await WsClient.open(`${t.wsUrl}/ws/chat?room=pw-e`);
    assert.equal(transport.size, 1);
    client.close();
    await client.waitForClose();
    while (transport.size !== 0) await new Promise((r) => setTimeout(r, 10));
  });
});

describe('plain WebSocket: slow readers', () => {
  const cases = [
    ['once its unsent bytes pass SEND_BUFFER_BYTES', { SEND_BUFFER_BYTES: '4096', SEND_TIME_LIMIT_MS: '60000' }],
    ['once a frame stays unsent past SEND_TIME_LIMIT_MS', { SEND_BUFFER_BYTES: String(64 * 1024 * 1024), SEND_TIME_LIMIT_MS: '200' }],
  ] as const;
  for (const [when, env] of cases) {
    it(`drops a socket that stops reading ${when} (1013)`, async () => {
      const t = await startHttpApp({ ...env });
      try {
        const client = await WsClient.open(`${t.wsUrl}/ws/chat?room=pw-slow`);
        const raw = (client.ws as unknown as { _socket: import('node:net').Socket })._socket;
        raw.pause();
        const text = 'z'.repeat(3900);
        let dropped = false;
        for (let i = 0; i < 4000 && !dropped; i += 20) {
          await Promise.all(Array.from({ length: 20 }, () => postJson(`${t.url}/api/rooms/pw-slow/messages`, { from: 's', text })));
          dropped = /chat_slow_consumer_disconnects_total\{door="plain-ws",protocol="json"\} 1/.test((await request(`${t.url}/metrics`)).text);
        }
        assert.ok(dropped, 'the slow socket was counted as dropped');
        assert.equal(t.app.get(PlainWsGateway).size, 0);
        client.ws.terminate();
      } finally {
        await t.stop();
      }
    });
  }
});
