// #14 item 1: message-id names the message, not the delivery, so subscribers alike (same subscription id,
// auto ack, same version) get the very same MESSAGE bytes; client-ack subscriptions still get an ack id
// of their own that ACK accepts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';

let server: RunningServer;
before(async () => {
  server = await startServer({ RATE_LIMIT_PER_SEC: '0' });
});
after(() => server.stop());

/** Every raw WebSocket message the client gets, as bytes. */
async function rawSubscriber(destination: string, id: string, ack = 'auto'): Promise<{ messages: Buffer[]; stomp: RawStomp }> {
  const stomp = await RawStomp.open(`${server.wsUrl}/chat`);
  const messages: Buffer[] = [];
  stomp.ws.on('message', (data: Buffer) => { if (data.toString('latin1').startsWith('MESSAGE')) messages.push(Buffer.from(data)); });
  await stomp.connect({ 'heart-beat': '0,0' });
  stomp.send(f('SUBSCRIBE', { destination, id, ack, receipt: 'sub' }));
  await stomp.next((x) => x.command === 'RECEIPT');
  return { messages, stomp };
}

describe('#14 one MESSAGE frame shared by alike subscribers', () => {
  it('two sessions subscribed as sub-0 receive byte-identical frames with the same message-id; a third as sub-7 the same message-id', async () => {
    const a = await rawSubscriber('/topic/shared', 'sub-0');
    const b = await rawSubscriber('/topic/shared', 'sub-0');
    const c = await rawSubscriber('/topic/shared', 'sub-7');
    const publisher = await RawStomp.open(`${server.wsUrl}/chat`);
    await publisher.connect();
    // c has had a message of its own first: ids counted per session would now differ from a's and b's.
    c.stomp.send(f('SUBSCRIBE', { destination: '/topic/shared-warm', id: 'warm', receipt: 'warm' }));
    await c.stomp.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'warm');
    publisher.send(f('SEND', { destination: '/topic/shared-warm' }, 'warm'));
    await c.stomp.next((x) => x.command === 'MESSAGE' && x.body.toString() === 'warm');
    publisher.send(f('SEND', { destination: '/topic/shared', 'content-type': 'text/plain' }, 'one'));
    publisher.send(f('SEND', { destination: '/topic/shared', 'content-type': 'text/plain' }, 'two'));
    const frames = await Promise.all([a, b, c].map((s) => s.stomp.next((x) => x.command === 'MESSAGE' && x.body.toString() === 'two')));
    assert.deepEqual(a.messages, b.messages);
    const ids = frames.map((x) => x.headers.get('message-id'));
    assert.equal(new Set(ids).size, 1, `one message-id for one message: ${ids.join(',')}`);
    const first = (await a.stomp.next((x) => x.command === 'MESSAGE')).headers.get('message-id');
    assert.notEqual(first, ids[0], 'two messages, two ids');
    for (const s of [a, b, c, { stomp: publisher }]) s.stomp.close();
  });

  it('client-individual ack on 1.2: an ack id per delivery, and ACK of it is accepted', async () => {
    const s = await rawSubscriber('/topic/acked', 'sub-0', 'client-individual');
    const other = await rawSubscriber('/topic/acked', 'sub-0', 'client-individual');
    const publisher = new WebSocket(`${server.wsUrl}/chat`, ['v12.stomp']);
    await new Promise((r) => publisher.once('open', r));
    publisher.send(f('CONNECT', { 'accept-version': '1.2', host: 'x' }) + f('SEND', { destination: '/topic/acked' }, 'please ack'));
    const m = await s.stomp.command('MESSAGE');
    const ack = m.headers.get('ack');
    assert.ok(ack, 'a 1.2 client-ack MESSAGE has an ack header');
    s.stomp.send(f('ACK', { id: ack!, receipt: 'acked' }));
    await s.stomp.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'acked');
    assert.equal((await other.stomp.command('MESSAGE')).headers.get('message-id'), m.headers.get('message-id'));
    publisher.terminate();
    s.stomp.close();
    other.stomp.close();
  });
});
