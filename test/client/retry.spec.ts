// #15 item 4: send() retries with the same client-message-id, so a message whose answer was lost is
// stored once. A relay in front of the server cuts the sender's connection just as the server's
// answer (the RECEIPT, the 201, the ack) is on its way back: the message is stored, the sender does
// not know it, reconnects, sends again, and gets its answer; everyone sees the message once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/server';
import type { StateChange, TransportKind } from '../../libs/chat-client/src';
import { CuttingProxy, client, roomName, until } from './support/clients';

let server: RunningServer;
let proxy: CuttingProxy;
before(async () => {
  server = await startServer({ RATE_LIMIT_PER_SEC: '0' });
  proxy = await CuttingProxy.start(server.port);
});
after(async () => {
  await proxy.close();
  await server.stop();
});

async function stored(room: string): Promise<{ id: number; text: string }[]> {
  return (await (await fetch(`${server.url}/api/rooms/${room}/messages`)).json()) as { id: number; text: string }[];
}

const TRANSPORTS: TransportKind[] = ['websocket', 'sockjs-xhr-streaming', 'sse', 'long-polling', 'socketio'];

describe('#15 a retried send is stored once', () => {
  for (const transport of TRANSPORTS) {
    it(`${transport}: the answer is lost with the connection, the retry gets it`, async () => {
      const room = roomName(`retry-${transport}`);
      const text = `stored once over ${transport} ${Date.now()}`;
      // The sender joins nothing: the first bytes from the server that carry the text (a 201, an ack)
      // or a RECEIPT are the answer to its send.
      // A short request timeout: over SockJS xhr-streaming the session outlives its cut stream (the
      // client opens the next one), so the lost RECEIPT is noticed by its timeout, not by a close.
      const sender = client(proxy.url, transport, { name: 'ann', requestTimeoutMs: 3_000 });
      const watcher = client(server.url, 'websocket', { name: 'bob' });
      const states: StateChange[] = [];
      sender.client.on('state', (s) => states.push(s));
      try {
        await Promise.all([sender.client.connect(), watcher.client.connect()]);
        await watcher.client.join(room);
        const cutsBefore = proxy.cuts;
        proxy.armCut((chunk) => chunk.includes(text) || chunk.includes('RECEIPT'));

        const answer = await sender.client.send(room, text);
        assert.equal(proxy.cuts, cutsBefore + 1, 'the first answer was cut off');
        // SSE and long polling have no session to lose: the POST alone failed and was sent again.
        if (transport === 'websocket' || transport === 'socketio') assert.ok(states.some((s) => s.state === 'reconnecting'), 'the sender lost its connection');

        const rows = (await stored(room)).filter((m) => m.text === text);
        assert.equal(rows.length, 1, 'stored once');
        if (answer) assert.equal(answer.id, rows[0]!.id, 'the retry is answered with the message first stored');
        await until(() => watcher.messages.length >= 1, 'the watcher to see it');
        await watcher.client.send(room, 'a later one');
        await until(() => watcher.messages.length === 2, 'the watcher to see the later one');
        assert.deepEqual(watcher.texts(), [text, 'a later one'], 'broadcast once');
      } finally {
        sender.client.close();
        watcher.client.close();
      }
    });
  }

  for (const transport of TRANSPORTS) {
    it(`${transport}: the same client-message-id sent twice is one message`, async () => {
      const room = roomName(`twice-${transport}`);
      const ann = client(server.url, transport, { name: 'ann' });
      try {
        await ann.client.connect();
        await ann.client.join(room);
        const first = await ann.client.send(room, 'only once', { clientMessageId: 'same-id-1' });
        const second = await ann.client.send(room, 'only once', { clientMessageId: 'same-id-1' });
        if (first) assert.equal(second?.id, first.id);
        await ann.client.send(room, 'another id', { clientMessageId: 'same-id-2' });
        await until(() => ann.messages.length === 2, 'both messages');
        assert.deepEqual((await stored(room)).map((m) => m.text), ['only once', 'another id']);
        assert.deepEqual(ann.texts(), ['only once', 'another id']);
      } finally {
        ann.client.close();
      }
    });
  }
});
