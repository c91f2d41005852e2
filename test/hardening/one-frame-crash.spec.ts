// #10 items 1, 5 and 10 (negotiation, SockJS websockets): one pipelined message that ended the process, on every door that
// carries STOMP, anonymous and signed in; heart-beat intervals no timer can hold; CONNECT without
// accept-version. Each test checks the process is still alive and still answers another client.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { http } from './hardening-client';

const SECRET = 'one-frame-crash-secret-of-some-length';
const CONNECT_10 = 'CONNECT\naccept-version:1.0\nhost:x\n\n\0';
const SEND_ESCAPED = 'SEND\ndestination:/app/rooms/x\nreceipt:a\\nb\n\n{"text":"boom"}\0';
const SUBSCRIBE_ESCAPED = 'SUBSCRIBE\nid:s\ndestination:/app/rooms/x/history\nreceipt:a\\nb\n\n\0';

let anonymous: RunningServer;
let signed: RunningServer;

before(async () => {
  [anonymous, signed] = await Promise.all([startServer({ RATE_LIMIT_PER_SEC: '0' }), startServer({ AUTH_TOKEN_SECRET: SECRET })]);
});
after(async () => {
  await Promise.all([anonymous.stop(), signed.stop()]);
});

/** The server still serves: a fresh STOMP client connects and gets a RECEIPT. */
async function stillAnswers(server: RunningServer, headers: Record<string, string> = {}): Promise<void> {
  assert.equal(server.process.exitCode, null, `the server exited:\n${server.output()}`);
  const c = await RawStomp.open(`${server.wsUrl}/chat`);
  await c.connect({ 'heart-beat': '0,0', ...headers });
  c.send(f('SUBSCRIBE', { id: 'alive', destination: '/topic/alive', receipt: 'alive' }));
  await c.command('RECEIPT');
  c.close();
}

const token = () => jwt.sign({ sub: 'alice' }, SECRET, { algorithm: 'HS256', expiresIn: '5m' });

describe('#10 one message, one session: CONNECT 1.0 and an escaped receipt in the same WebSocket message', () => {
  for (const [name, second] of [['SEND to /app/rooms/x', SEND_ESCAPED], ['SUBSCRIBE to /app/rooms/x/history', SUBSCRIBE_ESCAPED]]) {
    it(`${name}: the frame after CONNECT is read as 1.0 (no escapes), the RECEIPT echoes it, the process lives`, async () => {
      const c = await RawStomp.open(`${anonymous.wsUrl}/chat`, ['v10.stomp', 'v12.stomp']);
      c.send(CONNECT_10.replace('host:x\n', 'host:x\nlogin:bob\n') + second);
      const receipt = await c.command('RECEIPT');
      // STOMP 1.0 has no escaping: the header's backslash and `n` are two plain characters.
      assert.equal(receipt.headers.get('receipt-id'), 'a\\nb');
      c.close();
      await stillAnswers(anonymous);
    });

    it(`${name} with a valid JWT: same`, async () => {
      const c = await RawStomp.open(`${signed.wsUrl}/chat`);
      c.send(CONNECT_10.replace('host:x\n', `host:x\npasscode:${token()}\n`) + second);
      const receipt = await c.command('RECEIPT');
      assert.equal(receipt.headers.get('receipt-id'), 'a\\nb');
      c.close();
      await stillAnswers(signed, { passcode: token() });
    });
  }

  it('SockJS xhr_send carrying both frames in one message: same', async () => {
    const base = `${anonymous.url}/chat/000/crash${Date.now()}`;
    assert.equal((await http(`${base}/xhr`, { method: 'POST' })).text, 'o\n');
    const sent = await http(`${base}/xhr_send`, {
      method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify([CONNECT_10.replace('host:x\n', 'host:x\nlogin:bob\n') + SEND_ESCAPED]),
    });
    assert.equal(sent.status, 204);
    let frames = '';
    for (let i = 0; i < 5 && !frames.includes('RECEIPT'); i++) frames += (await http(`${base}/xhr`, { method: 'POST' })).text;
    assert.match(frames, /CONNECTED/);
    assert.match(frames, /RECEIPT\\nreceipt-id:a\\\\nb/);
    await stillAnswers(anonymous);
  });

  it('1.2 frames in one message with CONNECT are unescaped as 1.2', async () => {
    const c = await RawStomp.open(`${anonymous.wsUrl}/chat`);
    c.send('CONNECT\naccept-version:1.2\nhost:x\n\n\0SUBSCRIBE\nid:s\ndestination:/topic/t\nreceipt:a\\nb\n\n\0');
    assert.equal((await c.command('RECEIPT')).headers.get('receipt-id'), 'a\nb');
    c.close();
  });
});

describe('#10 negotiation', () => {
  it('a CONNECT without accept-version is a 1.0 session even after the v12.stomp sub-protocol', async () => {
    const c = await RawStomp.open(`${anonymous.wsUrl}/chat`, ['v12.stomp']);
    c.send('CONNECT\nhost:x\n\n\0');
    assert.equal((await c.command('CONNECTED')).headers.get('version'), '1.0');
    c.close();
  });

  it('heart-beat:0,4294967296 gets heart-beats no more often than the server proposes (10 s), not ~1000/s', async () => {
    const c = await RawStomp.open(`${anonymous.wsUrl}/chat`);
    c.send('CONNECT\naccept-version:1.2\nhost:x\nheart-beat:0,4294967296\n\n\0');
    await c.command('CONNECTED');
    await new Promise((r) => setTimeout(r, 1_000));
    assert.ok(c.heartbeats <= 1, `${c.heartbeats} heart-beats in one second`);
    c.close();
    await stillAnswers(anonymous);
  });
});

describe('#10 transactions answer each receipt once', () => {
  it('an enlisted SEND gets its RECEIPT when enlisted and not again at COMMIT', async () => {
    const c = await RawStomp.open(`${anonymous.wsUrl}/chat`);
    await c.connect({ login: 'tx', 'heart-beat': '0,0' });
    c.send(f('BEGIN', { transaction: 't' }) + f('SEND', { destination: '/topic/tx', transaction: 't', receipt: 'in-tx' }, 'x')
      + f('COMMIT', { transaction: 't', receipt: 'committed' }));
    await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'committed');
    c.send(f('SUBSCRIBE', { id: 'last', destination: '/topic/tx-done', receipt: 'last' }));
    await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'last');
    assert.equal(c.frames.filter((x) => x.headers.get('receipt-id') === 'in-tx').length, 1);
    c.close();
  });
});

describe('#10 conformance: a STOMP protocol fault on the SockJS websockets ends the socket, as on /chat', () => {
  it('raw /chat/websocket: the ERROR frame, then the socket closes with 1002', async () => {
    const c = await RawStomp.open(`${anonymous.wsUrl}/chat/websocket`, []);
    await c.connect({ 'heart-beat': '0,0' });
    c.send('BOGUS\n\n\0');
    const error = await c.expectErrorAndClose();
    assert.match(error.headers.get('message') ?? '', /BOGUS/);
    assert.equal(c.closeCode, 1002);
    await stillAnswers(anonymous);
  });

  it('/chat/<server>/<session>/websocket: the ERROR frame, the close frame, then the socket closes', async () => {
    const ws = new WebSocket(`${anonymous.wsUrl}/chat/000/fault${Date.now().toString(36)}/websocket`);
    const frames: string[] = [];
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      frames.push(text);
      if (text === 'o') ws.send(JSON.stringify(['CONNECT\naccept-version:1.2\nhost:x\nheart-beat:0,0\n\n\0']));
      if (text.startsWith('a["CONNECTED')) ws.send(JSON.stringify(['BOGUS\n\n\0']));
    });
    const code = await Promise.race([closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not closed; got ${frames.join(' | ')}`)), 5_000))]);
    assert.equal(code, 1000, 'SockJS carries the code in its close frame');
    assert.match(frames.at(-2) ?? '', /^a\["ERROR\\nmessage:Unknown or unexpected command/);
    assert.match(frames.at(-1) ?? '', /^c\[1002,/);
  });
});
