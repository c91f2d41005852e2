// #15 item 2: nothing a Socket.IO client sends crashes the server, corrupts a room or leaks into another:
// payloads that are not objects, emits without acks, rooms named after Object.prototype's keys, huge
// names, thousands of joins, broken Engine.IO and Socket.IO packets. The process answers and exits 0.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { postJson, request, type WireMessage } from '../http/http-client';
import { eventually, metric } from '../hardening/hardening-client';
import { startServer, type RunningServer } from '../support/server';
import { SIO_TRANSPORTS, SioClient } from './socketio-test-client';

let server: RunningServer;
before(async () => {
  server = await startServer({ RATE_LIMIT_PER_SEC: '0' }, 120_000);
});
after(async () => {
  assert.equal(await server.stop(), 0, 'the process survived and shut down cleanly');
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const EVENTS = ['join', 'leave', 'message', 'typing', 'read'];

/** Other tests' clients may still be on their way out: wait for the count rather than read it once. */
async function subscriptions(expected: number): Promise<void> {
  const line = 'chat_subscriptions{door="socketio",protocol="socketio"}';
  await eventually(async () => ((await metric(server.url, line)) === expected ? true : undefined), 30_000, `${expected} Socket.IO subscriptions`);
}

/** A raw Engine.IO websocket: writes exactly the packets it is given, records what comes back. */
function rawEngine(url: string): Promise<{ ws: WebSocket; got: string[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const got: string[] = [];
    const closed = new Promise<number>((done) => ws.once('close', (code) => done(code)));
    ws.on('message', (data) => got.push(data.toString()));
    ws.once('open', () => resolve({ ws, got, closed }));
    ws.once('error', reject);
  });
}

describe('#15 Socket.IO door: hostile input', { timeout: 300_000 }, () => {
  for (const transport of SIO_TRANSPORTS) {
    it(`#15 over ${transport}: payloads that are not objects get bad-json, whatever the event`, async () => {
      const client = await SioClient.connect(server.url, { transport, auth: { login: 'mallory' } });
      try {
        for (const event of EVENTS) {
          for (const payload of ['room', 42, null, [{ room: 'lobby' }], true, Buffer.from('{"room":"lobby"}')]) {
            const answer = await client.ack(event, payload);
            assert.equal(answer.error, 'bad-json', `${event} ${JSON.stringify(payload)}`);
          }
          assert.equal((await client.ack(event)).error, 'bad-json', `${event} with an ack and nothing else`);
        }
        // Extra arguments are ignored; the first one is the payload.
        assert.deepEqual(await client.ack('join', { room: 'extra' }, 'more', { and: 'more' }), { ok: true });
        assert.equal((await client.ack('join', { room: 'x'.repeat(65) })).error, 'invalid-room');
        assert.equal((await client.ack('join', { room: 'x'.repeat(60_000) })).error, 'invalid-room');
        assert.equal((await client.ack('join', { room: { $gt: '' } })).error, 'invalid-room');
        assert.equal((await client.ack('message', { room: 'lobby', text: { toString: 'x' } })).error, 'invalid-text');
        assert.equal((await client.ack('typing', { room: 'lobby', typing: 'yes' })).error, 'bad-json');
        assert.equal((await client.ack('join', { room: 'lobby', sinceId: 1.5 })).error, 'invalid-query');
        assert.equal((await client.ack('join', { room: 'lobby', sinceId: '3' })).error, 'invalid-query');
      } finally {
        client.close();
      }
    });
  }

  it('#15 emits without an ack still act; unknown events are ignored', async () => {
    const room = 'no-acks';
    const client = await SioClient.connect(server.url, { transport: 'websocket', auth: { login: 'quiet' } });
    try {
      client.socket.emit('join', { room });
      client.socket.emit('message', { room, text: 'stored without an ack' });
      client.socket.emit('message', 'not an object, and nobody to tell');
      client.socket.emit('leave');
      client.socket.emit('nonsense', { room });
      client.socket.emit('constructor', { room });
      client.socket.emit('__proto__', { room });
      await client.waitFor(() => client.messages.some((m) => m.text === 'stored without an ack'), 'the message');
      const stored = (await request(`${server.url}/api/rooms/${room}/messages`)).json() as WireMessage[];
      assert.deepEqual(stored.map((m) => m.text), ['stored without an ack']);
      assert.deepEqual(await client.ack('join', { room: 'still-here' }), { ok: true });
    } finally {
      client.close();
    }
  });

  it('#15 rooms named after Object.prototype keys are ordinary rooms and leak nowhere', async () => {
    const names = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'prototype'];
    const insider = await SioClient.connect(server.url, { transport: 'polling', auth: { login: 'insider' } });
    const outsider = await SioClient.connect(server.url, { transport: 'websocket', auth: { login: 'outsider' } });
    try {
      for (const room of names) await insider.join(room);
      await outsider.join('plain-room');
      const sent: WireMessage[] = [];
      for (const room of names) sent.push(await outsider.post(room, `into ${room}`));
      for (const m of sent) await insider.waitForMessage(m.id);
      const marker = await outsider.post('plain-room', 'marker');
      await outsider.waitForMessage(marker.id);
      assert.deepEqual(insider.messages.map((m) => m.room), names);
      assert.ok(!outsider.messages.some((m) => names.includes(m.room)), 'nothing reached a client that did not join');
      for (const room of names) {
        const stored = (await request(`${server.url}/api/rooms/${room}/messages`)).json() as WireMessage[];
        assert.deepEqual(stored.map((m) => m.text), [`into ${room}`]);
      }
    } finally {
      insider.close();
      outsider.close();
    }
  });

  it('#15 thousands of joins: MAX_SUBSCRIPTIONS rooms at once, the rest refused; join and leave churn leaves nothing behind', async () => {
    const client = await SioClient.connect(server.url, { transport: 'websocket', auth: { login: 'joiner' } });
    try {
      const answers = await Promise.all(Array.from({ length: 2000 }, (_, i) => client.ack('join', { room: `many-${i}` })));
      assert.equal(answers.filter((a) => a.ok === true).length, 128);
      const refused = answers.filter((a) => a.error === 'too-many-subscriptions');
      assert.equal(refused.length, 2000 - 128);
      await subscriptions(128);
      await Promise.all(Array.from({ length: 2000 }, (_, i) => client.ack('leave', { room: `many-${i}` })));
      for (let i = 0; i < 300; i++) {
        client.socket.emit('join', { room: 'churn', sinceId: 0 });
        client.socket.emit('leave', { room: 'churn' });
      }
      assert.deepEqual(await client.ack('leave', { room: 'churn' }), { ok: true });
      await subscriptions(0);
      const message = (await postJson(`${server.url}/api/rooms/churn/messages`, { from: 'x', text: 'after the churn' })).json() as WireMessage;
      await sleep(300);
      assert.ok(!client.messages.some((m) => m.id === message.id), 'no follow outlived its leave');
    } finally {
      client.close();
    }
  });

  it('#15 broken Engine.IO and Socket.IO packets close that connection only', async () => {
    const garbage = ['42[', '42["join",', '4{"a":1}', '99', '', '40/nowhere,', '42["disconnect"]', '451-["join",{"_placeholder":true,"num":9}]', '2probe'.repeat(1000)];
    for (const packet of garbage) {
      const raw = await rawEngine(server.url);
      await new Promise<void>((resolve) => (raw.got.length > 0 ? resolve() : raw.ws.once('message', () => resolve())));
      raw.ws.send('40');
      raw.ws.send(packet);
      raw.ws.send(Buffer.from([0xff, 0x00, 0xfe]));
      raw.ws.send('41');
      await Promise.race([raw.closed, sleep(1_500).then(() => raw.ws.terminate())]);
    }
    // Polling requests the engine cannot use are answered with an error, never a crash.
    for (const path of [
      '/socket.io/?EIO=4&transport=polling&sid=nope',
      '/socket.io/?EIO=3&transport=polling',
      '/socket.io/?EIO=4&transport=carrier-pigeon',
      '/socket.io/?EIO=4',
    ]) {
      const answer = await request(`${server.url}${path}`);
      assert.equal(answer.status, 400, path);
    }
    const post = await request(`${server.url}/socket.io/?EIO=4&transport=polling&sid=nope`, { method: 'POST', body: '42["join"]' });
    assert.equal(post.status, 400);
    const health = await request(`${server.url}/health`);
    assert.equal(health.status, 200);
    const fresh = await SioClient.connect(server.url, { transport: 'polling', auth: { login: 'after' } });
    try {
      await fresh.join('survivors');
      const stored = await fresh.post('survivors', 'still serving');
      await fresh.waitForMessage(stored.id);
    } finally {
      fresh.close();
    }
  });
});
