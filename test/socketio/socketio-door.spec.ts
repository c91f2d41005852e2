// #15 item 2: the Socket.IO door on the real server, with socket.io-client over websocket and over
// polling: events and acks, sinceId resume, the same ids as STOMP, SSE and REST.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postJson, request, type WireMessage } from '../http/http-client';
import { SseClient } from '../http/sse-client';
import { metric } from '../hardening/hardening-client';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { SIO_TRANSPORTS, SioClient } from './socketio-test-client';

let server: RunningServer;
before(async () => {
  server = await startServer({ RATE_LIMIT_PER_SEC: '0' }, 120_000);
});
after(async () => assert.equal(await server.stop(), 0));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function restPost(room: string, text: string, from = 'rest'): Promise<WireMessage> {
  const answer = await postJson(`${server.url}/api/rooms/${room}/messages`, { from, text });
  assert.equal(answer.status, 201, answer.text);
  return answer.json() as WireMessage;
}

async function history(room: string, afterId: number): Promise<WireMessage[]> {
  const answer = await request(`${server.url}/api/rooms/${room}/messages?after=${afterId}&limit=500`);
  assert.equal(answer.status, 200);
  return answer.json() as WireMessage[];
}

describe('#15 Socket.IO door: rooms, acks and ids', { timeout: 300_000 }, () => {
  for (const transport of SIO_TRANSPORTS) {
    it(`#15 over ${transport}: join, message and leave answer through acks; the stored message reaches the room once`, async () => {
      const room = `acks-${transport}`;
      const ada = await SioClient.connect(server.url, { transport, auth: { login: 'ada' } });
      const bob = await SioClient.connect(server.url, { transport, auth: { login: 'bob' } });
      try {
        assert.deepEqual(await ada.ack('join', { room }), { ok: true });
        assert.deepEqual(await bob.ack('join', { room }), { ok: true });
        // Joining twice changes nothing (and delivers nothing twice).
        assert.deepEqual(await bob.ack('join', { room }), { ok: true });

        const stored = await ada.post(room, '  hello  ', { clientMessageId: 'c-1', from: 'not-ada' });
        assert.ok(Number.isSafeInteger(stored.id));
        assert.equal(stored.room, room);
        assert.equal(stored.from, 'ada', 'the login names the sender, not the payload');
        assert.equal(stored.text, 'hello');
        assert.match(stored.sentAt, /^\d{4}-\d\d-\d\dT/);
        assert.match(stored.time, /^\d\d:\d\d$/);
        await bob.waitForMessage(stored.id);
        await ada.waitForMessage(stored.id);
        assert.deepEqual(bob.messages.find((m) => m.id === stored.id), stored);

        // A retry with the same client message id is the same message, stored and broadcast once.
        const retry = await ada.post(room, 'hello', { clientMessageId: 'c-1' });
        assert.equal(retry.id, stored.id);

        const empty = await ada.ack('message', { room, text: '   ' });
        assert.equal(empty.error, 'invalid-text');
        assert.equal(typeof empty.message, 'string');
        assert.equal((await ada.ack('message', { room: 'no spaces', text: 'x' })).error, 'invalid-room');
        assert.equal((await ada.ack('message', { room, text: 'x', clientMessageId: 7 })).error, 'invalid-client-message-id');
        assert.equal((await ada.ack('join', { room, sinceId: -1 })).error, 'invalid-query');
        // #13: read markers on this door too: the ack is the marker as it stands.
        const readMarker = await ada.ack('read', { room, lastReadId: stored.id });
        assert.deepEqual([readMarker.user, readMarker.lastReadId], ['ada', stored.id]);
        assert.equal((await ada.ack('read', { room, lastReadId: 'x' })).error, 'invalid-read-marker');

        assert.deepEqual(await bob.ack('leave', { room }), { ok: true });
        assert.deepEqual(await bob.ack('leave', { room }), { ok: true }, 'leaving a room one is not in is no error');
        const afterLeave = await restPost(room, 'bob has left');
        await ada.waitForMessage(afterLeave.id);
        // Bob is still connected: a message of a room he is in arrives, the one of the room he left does not.
        await bob.join(`${room}-still`);
        const marker = await restPost(`${room}-still`, 'marker');
        await bob.waitForMessage(marker.id);
        await sleep(200);
        assert.ok(!bob.messages.some((m) => m.id === afterLeave.id), 'a left room delivers nothing');
        assert.equal(bob.messages.filter((m) => m.id === stored.id).length, 1, 'no duplicate');
        assert.equal(ada.messages.filter((m) => m.id === stored.id).length, 1, 'no duplicate for the sender');
      } finally {
        ada.close();
        bob.close();
      }
    });

    it(`#15 over ${transport}: join with sinceId replays what was missed, then live, no gap and no duplicate while another client posts`, async () => {
      const room = `resume-${transport}`;
      const writer = await SioClient.connect(server.url, { transport: 'websocket', auth: { login: 'writer' } });
      const reader = await SioClient.connect(server.url, { transport, auth: { login: 'reader' } });
      try {
        const early: WireMessage[] = [];
        for (let i = 0; i < 15; i++) early.push(await writer.post(room, `early ${i}`));
        const sinceId = early[4]!.id;
        let posted = 0;
        const posting = (async () => {
          for (let i = 0; i < 60; i++) {
            await writer.post(room, `during ${i}`);
            posted++;
          }
        })();
        // Join while the writer is busy, so that replay and live overlap.
        while (posted < 10) await sleep(5);
        await reader.join(room, sinceId);
        await posting;
        const expected = (await history(room, sinceId)).map((m) => m.id);
        assert.equal(expected.length, 10 + 60);
        await reader.waitFor(() => reader.messages.length >= expected.length, `${expected.length} messages`);
        await sleep(200);
        assert.deepEqual(reader.messages.map((m) => m.id), expected, 'every message after sinceId, once, in id order');
      } finally {
        writer.close();
        reader.close();
      }
    });
  }

  it('#15 a default client starts on polling and upgrades to a websocket; the session and its rooms go on', async () => {
    const room = 'upgrading';
    const client = await SioClient.connect(server.url, { upgrade: true, auth: { login: 'upgrader' } });
    try {
      const engine = client.socket.io.engine;
      // Not the transport now: on a fast machine the upgrade can be done before `connect` is seen.
      assert.equal(client.openedOn, 'polling');
      const id = client.socket.id;
      await client.join(room);
      const before = await client.post(room, 'first');
      await client.waitFor(() => engine.transport.name === 'websocket', 'the upgrade');
      assert.equal(client.socket.id, id, 'the same session');
      const after = await restPost(room, 'after the upgrade');
      assert.equal(engine.transport.name, 'websocket');
      await client.waitForMessage(after.id);
      assert.deepEqual(client.messages.map((m) => m.id), [before.id, after.id]);
    } finally {
      client.close();
    }
  });

  it('#15 messages cross between Socket.IO (websocket and polling), STOMP, SSE and REST with the same ids', async () => {
    const room = 'crossing';
    const sioWs = await SioClient.connect(server.url, { transport: 'websocket', auth: { login: 'sio-ws' } });
    const sioPoll = await SioClient.connect(server.url, { transport: 'polling', auth: { login: 'sio-poll' } });
    const stomp = await RawStomp.open(`${server.wsUrl}/chat`);
    const sse = await SseClient.open(`${server.url}/sse/rooms/${room}`);
    try {
      await stomp.connect({ login: 'stomper', 'heart-beat': '0,0' });
      stomp.send(f('SUBSCRIBE', { id: 's1', destination: `/topic/rooms/${room}`, receipt: 'sub' }));
      await stomp.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'sub', 30_000);
      await sioWs.join(room);
      await sioPoll.join(room);
      const stompMessages = (): WireMessage[] =>
        stomp.frames.filter((x) => x.command === 'MESSAGE').map((x) => JSON.parse(x.body.toString('utf8')) as WireMessage);
      // SSE says it is live once a message posted now reaches it.
      const marker = await restPost(room, 'marker');
      await sse.waitFor(() => sse.messages.some((m) => m.id === marker.id));

      const fromSioWs = await sioWs.post(room, 'from socket.io websocket');
      const fromSioPoll = await sioPoll.post(room, 'from socket.io polling');
      stomp.send(f('SEND', { destination: `/app/rooms/${room}`, receipt: 'sent', 'content-type': 'application/json' }, JSON.stringify({ text: 'from stomp' })));
      await stomp.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'sent', 30_000);
      const fromRest = await restPost(room, 'from rest');
      const stored = await history(room, marker.id);
      assert.deepEqual(stored.map((m) => m.text), ['from socket.io websocket', 'from socket.io polling', 'from stomp', 'from rest']);
      assert.deepEqual([fromSioWs.id, fromSioPoll.id, fromRest.id], [stored[0]!.id, stored[1]!.id, stored[3]!.id]);
      assert.equal(stored[2]!.from, 'stomper');

      const ids = stored.map((m) => m.id);
      const last = ids[ids.length - 1]!;
      await sioWs.waitForMessage(last);
      await sioPoll.waitForMessage(last);
      await sse.waitFor(() => sse.messages.some((m) => m.id === last));
      const deadline = Date.now() + 30_000;
      while (!stompMessages().some((m) => m.id === last) && Date.now() < deadline) await sleep(20);
      const after = (list: WireMessage[]) => list.filter((m) => m.id > marker.id);
      for (const [door, got] of [
        ['socket.io websocket', after(sioWs.messages)],
        ['socket.io polling', after(sioPoll.messages)],
        ['stomp', after(stompMessages())],
        ['sse', after(sse.messages as WireMessage[])],
      ] as const) {
        assert.deepEqual(got.map((m) => m.id), ids, `${door} sees every message once, in id order`);
        assert.deepEqual(got.map((m) => m.text), stored.map((m) => m.text), `${door} sees the stored texts`);
      }
      assert.deepEqual(sioPoll.messages.find((m) => m.id === fromRest.id), fromRest, 'the same JSON as REST answered');
      assert.ok((await metric(server.url, 'chat_connections{door="socketio",protocol="socketio"}')) >= 2);
      assert.ok((await metric(server.url, 'chat_messages_in_total{door="socketio",protocol="socketio"}')) >= 2);
    } finally {
      sioWs.close();
      sioPoll.close();
      stomp.close();
      sse.close();
    }
  });
});
