// #11 item 4: one label scheme (door, protocol) that every door fills the same way. One message in
// through each door; the same counters move on /metrics (STOMP used to count nothing in, and no subscriptions).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import SockJS from 'sockjs-client';
import { Client } from '@stomp/stompjs';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';

let server: RunningServer;
before(async () => void (server = await startServer({ RATE_LIMIT_PER_SEC: '0' })));
after(async () => void (await server.stop()));

async function metrics(): Promise<Map<string, number>> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(chat_\w+)\{door="([^"]+)",protocol="([^"]+)"\} (\d+)/.exec(line);
    if (m) out.set(`${m[1]} ${m[2]}/${m[3]}`, Number(m[4]));
  }
  return out;
}

describe('#11 /metrics by door and protocol', () => {
  it('a message in through each door moves chat_messages_in_total for that door; STOMP counts subscriptions and connections', async () => {
    const stomp = await RawStomp.open(`${server.wsUrl}/chat`);
    await stomp.connect({ login: 'ann', 'heart-beat': '0,0' });
    stomp.send(f('SUBSCRIBE', { id: 's', destination: '/topic/rooms/metered', receipt: 'sub' }));
    await stomp.command('RECEIPT');
    stomp.send(f('SEND', { destination: '/app/rooms/metered', receipt: 'sent' }, '{"text":"over stomp"}'));
    await stomp.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'sent');

    const sockjs = new Client({ webSocketFactory: () => new SockJS(`${server.url}/chat`, null, { transports: ['xhr-polling'], timeout: 10_000 }), reconnectDelay: 0, heartbeatIncoming: 0, heartbeatOutgoing: 0, connectHeaders: { login: 'bo' } });
    await new Promise<void>((resolve) => { sockjs.onConnect = () => resolve(); sockjs.activate(); });
    const sockjsSent = new Promise<void>((resolve) => sockjs.watchForReceipt('s2', () => resolve()));
    sockjs.publish({ destination: '/app/rooms/metered', body: '{"text":"over sockjs"}', headers: { receipt: 's2' } });
    await sockjsSent;

    const rest = await fetch(`${server.url}/api/rooms/metered/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"cy","text":"over rest"}' });
    assert.equal(rest.status, 201);

    const plain = new WebSocket(`${server.wsUrl}/ws/chat?room=metered`);
    await new Promise((resolve) => plain.once('open', resolve));
    const echoed = new Promise<void>((resolve) => plain.on('message', (d) => String(d).includes('over plain') && resolve()));
    plain.send('{"from":"di","text":"over plain"}');
    await echoed;

    const m = await metrics();
    assert.equal(m.get('chat_messages_in_total websocket/stomp'), 1);
    assert.equal(m.get('chat_messages_in_total sockjs/stomp'), 1);
    assert.equal(m.get('chat_messages_in_total rest/http'), 1);
    assert.equal(m.get('chat_messages_in_total plain-ws/json'), 1);
    assert.equal(m.get('chat_subscriptions websocket/stomp'), 1);
    assert.equal(m.get('chat_subscriptions plain-ws/json'), 1);
    assert.equal(m.get('chat_connections websocket/stomp'), 1);
    assert.equal(m.get('chat_connections sockjs/stomp'), 1);
    assert.ok((m.get('chat_frames_in_total sockjs/stomp') ?? 0) >= 2, 'SockJS frames (CONNECT, SEND) are counted');
    assert.ok((m.get('chat_messages_out_total websocket/stomp') ?? 0) >= 4, 'the STOMP subscriber got all four');

    await sockjs.deactivate();
    stomp.close();
    plain.close();
    await stomp.closed;
    for (let i = 0; i < 50 && (await metrics()).get('chat_connections websocket/stomp') !== 0; i++) await new Promise((r) => setTimeout(r, 50));
    const later = await metrics();
    assert.equal(later.get('chat_connections websocket/stomp'), 0);
    assert.equal(later.get('chat_subscriptions websocket/stomp'), 0);
  });
});
