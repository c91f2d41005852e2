// Issue "Hard to break", items 1 and 8: oversized and flooding input on every transport of the real server
// is refused where it arrives (close code or HTTP status), stores nothing and harms nobody else.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { closeCode, handshake, http } from './hardening-client';

const LIMIT = 4096;
const big = (n = LIMIT + 1) => 'x'.repeat(n);
let server: RunningServer;
let bystander: RawStomp;

before(async () => {
  server = await startServer({ MAX_FRAME_BYTES: String(LIMIT), RATE_LIMIT_PER_SEC: '0' });
  bystander = await RawStomp.open(`${server.wsUrl}/chat`);
  await bystander.connect({ 'heart-beat': '0,0' });
  bystander.send(f('SUBSCRIBE', { id: 'b', destination: '/topic/rooms/big', receipt: 'r' }));
  await bystander.command('RECEIPT');
});

after(async () => {
  // Nothing oversized was stored or broadcast, and an honest message still goes through.
  assert.equal(bystander.frames.filter((x) => x.command === 'MESSAGE').length, 0);
  assert.equal((await http(`${server.url}/api/rooms/big/messages`)).text, '[]');
  const ok = await http(`${server.url}/api/rooms/big/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"a","text":"fine"}',
  });
  assert.equal(ok.status, 201);
  const m = await bystander.command('MESSAGE');
  assert.equal(JSON.parse(m.body.toString()).text, 'fine');
  bystander.close();
  assert.equal(await server.stop(), 0);
});

const roomSend = (text: string) => f('SEND', { destination: '/app/rooms/big' }, JSON.stringify({ from: 'o', text }));

describe('oversized input on every transport', () => {
  it('STOMP over ws: a message over MAX_FRAME_BYTES is refused by the socket with 1009', async () => {
    const c = await RawStomp.open(`${server.wsUrl}/chat`);
    await c.connect({ 'heart-beat': '0,0' });
    c.send(roomSend(big()));
    assert.equal(await c.closed, 1009);
  });

  it('STOMP over ws: a frame over the limit split across small messages gets ERROR and close', async () => {
    const c = await RawStomp.open(`${server.wsUrl}/chat`);
    await c.connect({ 'heart-beat': '0,0' });
    const frame = roomSend(big());
    for (let i = 0; i < frame.length; i += 1000) c.send(frame.slice(i, i + 1000));
    const error = await c.expectErrorAndClose();
    assert.match(error.headers.get('message') ?? '', /large|size|limit/i);
  });

  it('STOMP over ws: a flood of tiny fragments is cut off (1008) before it grows', async () => {
    const c = await RawStomp.open(`${server.wsUrl}/chat`);
    await c.connect({ 'heart-beat': '0,0' });
    for (let i = 0; i < 1_000 && c.ws.readyState === WebSocket.OPEN; i++) c.ws.send('x', { fin: false });
    assert.equal(await c.closed, 1008);
  });

  it('SockJS: xhr_send over the limit is 413; a websocket message over it closes with 1009', async () => {
    const session = `o${Date.now()}`;
    const opened = await http(`${server.url}/chat/000/${session}/xhr`, { method: 'POST' });
    assert.equal(opened.text, 'o\n');
    const send = await http(`${server.url}/chat/000/${session}/xhr_send`, {
      method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify([roomSend(big())]),
    });
    assert.equal(send.status, 413);
    assert.equal(JSON.parse(send.text).error, 'payload-too-large');

    const h = await handshake(`${server.wsUrl}/chat/000/${session}w/websocket`);
    assert.equal(h.status, 101);
    h.ws!.send(JSON.stringify([big(LIMIT * 2)]));
    assert.equal(await closeCode(h.ws!), 1009);
  });

  it('REST: a body over the limit is 413, a body that is not JSON 415, a huge header block 431', async () => {
    const post = (body: string, type = 'application/json') =>
      http(`${server.url}/api/rooms/big/messages`, { method: 'POST', headers: { 'content-type': type }, body });
    const tooBig = await post(JSON.stringify({ from: 'o', text: big() }));
    assert.equal(tooBig.status, 413);
    assert.ok(JSON.parse(tooBig.text).error);
    assert.equal((await post('from=o&text=x', 'application/x-www-form-urlencoded')).status, 415);
    assert.equal((await post('{"from":"o","text":')).status, 400);
    const headers: Record<string, string> = {};
    for (let i = 0; i < 100; i++) headers[`x-h${i}`] = big(300);
    assert.equal((await http(`${server.url}/api/rooms`, { headers })).status, 431);
  });

  it('plain WebSocket: a frame over the limit closes with 1009', async () => {
    const h = await handshake(`${server.wsUrl}/ws/chat?room=big`);
    assert.equal(h.status, 101);
    h.ws!.send(JSON.stringify({ from: 'o', text: big() }));
    assert.equal(await closeCode(h.ws!), 1009);
  });
});
