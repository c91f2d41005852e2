// #11 item 4: RATE_LIMIT_BURST=0 means the same on every door: the rate still passes, one at a time
// (before, a STOMP session with burst 0 could never send, while REST and /ws/chat could).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { WsClient } from '../http/ws-client';

let server: RunningServer;
before(async () => {
  server = await startServer({ RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '0' });
});
after(() => server.stop());

describe('#11 one rate rule with RATE_LIMIT_BURST=0', () => {
  it('STOMP: the first SEND is stored, the second at once is rate-limited', async () => {
    const c = await RawStomp.open(`${server.wsUrl}/chat`);
    await c.connect({ login: 'burst', 'heart-beat': '0,0' });
    c.send(f('SUBSCRIBE', { id: 'e', destination: '/user/queue/errors', receipt: 'e' }));
    await c.command('RECEIPT');
    c.send(f('SEND', { destination: '/app/rooms/burst0', receipt: 'one' }, JSON.stringify({ text: 'one' })));
    c.send(f('SEND', { destination: '/app/rooms/burst0', receipt: 'two' }, JSON.stringify({ text: 'two' })));
    const error = await c.next((x) => x.command === 'MESSAGE');
    assert.equal(JSON.parse(error.body.toString()).error, 'rate-limited');
    await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'one');
    const stored = await (await fetch(`${server.url}/api/rooms/burst0/messages`)).json();
    assert.deepEqual(stored.map((m: { text: string }) => m.text), ['one']);
    c.close();
  });

  it('REST and /ws/chat: the first post passes too', async () => {
    const rest = await fetch(`${server.url}/api/rooms/burst1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"r","text":"rest"}' });
    assert.equal(rest.status, 201);
    const ws = await WsClient.open(`${server.wsUrl}/ws/chat?room=burst2`);
    ws.send({ from: 'w', text: 'plain' });
    const [echo] = await ws.waitForFrames(1);
    assert.equal(echo.text, 'plain');
    ws.ws.close();
  });
});
