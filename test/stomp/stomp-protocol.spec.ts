// #2 and #7: every STOMP frame and header rule, and hostile input, against the real server with raw frames.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';

let server: RunningServer;
let bystander: RawStomp;
const chat = () => `${server.wsUrl}/chat`;

before(async () => {
  server = await startServer({ MAX_FRAME_BYTES: '4096', MAX_SUBSCRIPTIONS: '8', RATE_LIMIT_PER_SEC: '0' });
  bystander = await RawStomp.open(chat());
  await bystander.connect({ 'heart-beat': '0,0' });
  bystander.send(f('SUBSCRIBE', { id: 'b', destination: '/topic/bystander', receipt: 'b-sub' }));
  await bystander.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'b-sub');
});

after(async () => {
  // Whatever the hostile clients did, an innocent session still works and the process is alive.
  const pub = await RawStomp.open(chat());
  await pub.connect();
  pub.send(f('SEND', { destination: '/topic/bystander' }, 'still here'));
  const m = await bystander.command('MESSAGE');
  assert.equal(m.body.toString(), 'still here');
  pub.close();
  bystander.close();
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
  assert.equal(await server.stop(), 0);
});

async function connected(headers: Record<string, string> = {}, protocols?: string[]): Promise<RawStomp> {
  const c = await RawStomp.open(chat(), protocols);
  await c.connect({ 'heart-beat': '0,0', ...headers });
  return c;
}

async function refused(payload: string | Buffer | (string | Buffer)[], connect = true): Promise<string> {
  const c = connect ? await connected() : await RawStomp.open(chat());
  for (const p of Array.isArray(payload) ? payload : [payload]) c.send(p);
  const error = await c.expectErrorAndClose();
  const message = error.headers.get('message');
  assert.ok(message && message.length > 3, 'ERROR carries a clear message header');
  return message;
}

describe('CONNECT and version negotiation', () => {
  it('CONNECTED carries version, heart-beat and server', async () => {
    const c = await RawStomp.open(chat());
    const frame = await c.connect({ 'accept-version': '1.0,1.1,1.2' });
    assert.equal(frame.headers.get('version'), '1.2');
    assert.equal(frame.headers.get('heart-beat'), '10000,10000');
    assert.match(frame.headers.get('server') ?? '', /\S/);
    c.close();
  });

  for (const [accept, version] of [['1.0', '1.0'], ['1.1', '1.1'], ['1.1,1.0', '1.1'], ['1.2,1.1', '1.2']] as const) {
    it(`accept-version ${accept} → ${version}`, async () => {
      const c = await RawStomp.open(chat());
      assert.equal((await c.connect({ 'accept-version': accept })).headers.get('version'), version);
      c.close();
    });
  }

  it('no accept-version means STOMP 1.0', async () => {
    const c = await RawStomp.open(chat(), ['v10.stomp']);
    c.send('CONNECT\n\n\0');
    assert.equal((await c.command('CONNECTED')).headers.get('version'), '1.0');
    c.close();
  });

  it('the STOMP command connects like CONNECT', async () => {
    const c = await RawStomp.open(chat());
    c.send(f('STOMP', { 'accept-version': '1.2', host: 'x' }));
    assert.equal((await c.command('CONNECTED')).headers.get('version'), '1.2');
    c.close();
  });

  it('an unsupported version gets ERROR listing the supported ones', async () => {
    const c = await RawStomp.open(chat());
    c.send(f('CONNECT', { 'accept-version': '2.0' }));
    const e = await c.expectErrorAndClose();
    assert.equal(e.headers.get('version'), '1.0,1.1,1.2');
  });

  it('frames before CONNECT are refused (CVE-2025-41254)', async () => {
    await refused(f('SUBSCRIBE', { id: '1', destination: '/topic/x' }), false);
    await refused(f('SEND', { destination: '/topic/x' }, 'early'), false);
  });

  it('a second CONNECT is refused (CVE-2022-22971)', async () => {
    assert.match(await refused(f('CONNECT', { 'accept-version': '1.2' })), /already connected/);
  });

  it('the upgrade picks the highest STOMP sub-protocol offered', async () => {
    const c = await RawStomp.open(chat(), ['v10.stomp', 'v12.stomp', 'v11.stomp']);
    assert.equal(c.ws.protocol, 'v12.stomp');
    c.close();
  });
});

describe('malformed and hostile frames: ERROR, close, no crash', () => {
  it('no command', async () => void (await refused('\nfoo:bar\n\nbody\0')));
  it('unknown command', async () => void (await refused(f('EXPLODE', { a: 'b' }))));
  it('lower-case command', async () => void (await refused(f('send', { destination: '/topic/x' }))));
  it('SEND without destination', async () => assert.match(await refused(f('SEND', {}, 'x')), /destination/));
  it('SUBSCRIBE without id', async () => assert.match(await refused(f('SUBSCRIBE', { destination: '/topic/x' })), /id/));
  it('SUBSCRIBE with a bad ack mode', async () => void (await refused(f('SUBSCRIBE', { id: '1', destination: '/topic/x', ack: 'maybe' }))));
  it('duplicate subscription id', async () => {
    await refused([f('SUBSCRIBE', { id: '1', destination: '/topic/x' }), f('SUBSCRIBE', { id: '1', destination: '/topic/y' })]);
  });
  it('ACK without id (1.2)', async () => assert.match(await refused(f('ACK', {})), /id/));
  it('NACK without id (1.2)', async () => void (await refused(f('NACK', {}))));
  it('undefined header escape', async () => void (await refused('SEND\ndestination:/topic/x\nbad:a\\tb\n\nx\0')));
  it('bad content-length', async () => void (await refused('SEND\ndestination:/topic/x\ncontent-length:-1\n\nx\0')));
  it('content-length that lies', async () => void (await refused('SEND\ndestination:/topic/x\ncontent-length:1\n\nxyz\0')));
  it('frame over MAX_FRAME_BYTES split over many messages', async () => {
    const chunks = ['SEND\ndestination:/topic/x\n\n', ...Array.from({ length: 10 }, () => 'y'.repeat(1000))];
    assert.match(await refused(chunks), /large|size|limit/i);
  });
  it('WebSocket message over MAX_FRAME_BYTES is refused by the socket (1009)', async () => {
    const c = await connected();
    c.send(f('SEND', { destination: '/topic/x' }, 'z'.repeat(8192)));
    assert.equal(await c.closed, 1009);
  });
  it('too many headers', async () => {
    const headers = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`h${i}`, 'v']));
    void (await refused(f('SEND', { destination: '/topic/x', ...headers })));
  });
  it('a flood of SUBSCRIBEs past MAX_SUBSCRIPTIONS', async () => {
    const subs = Array.from({ length: 20 }, (_, i) => f('SUBSCRIBE', { id: `s${i}`, destination: `/topic/flood${i}` }));
    assert.match(await refused(subs.join('')), /subscriptions/);
  });
  it('subscribing to another session\'s private queue', async () => {
    await refused(f('SUBSCRIBE', { id: '1', destination: '/queue/errors-userdeadbeef' }));
  });
  it('a /user destination that names another user', async () => {
    await refused(f('SUBSCRIBE', { id: '1', destination: '/user/alice/queue/messages' }));
  });
  it('unknown destination prefix', async () => void (await refused(f('SUBSCRIBE', { id: '1', destination: '/etc/passwd' }))));
  it('unknown transaction', async () => void (await refused(f('COMMIT', { transaction: 'nope' }))));
  it('BEGIN twice', async () => void (await refused([f('BEGIN', { transaction: 't' }), f('BEGIN', { transaction: 't' })])));
  it('ERROR echoes the receipt of the faulty frame', async () => {
    const c = await connected();
    c.send(f('SUBSCRIBE', { destination: '/topic/x', receipt: 'r-77' }));
    const e = await c.expectErrorAndClose();
    assert.equal(e.headers.get('receipt-id'), 'r-77');
  });
  it('garbage bytes', async () => void (await refused(Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0x00]))));
  it('__proto__ and constructor headers are plain data', async () => {
    const c = await connected();
    c.send(f('SUBSCRIBE', { id: 'p', destination: '/topic/proto', receipt: 'p' }));
    await c.next((x) => x.command === 'RECEIPT');
    c.send('SEND\ndestination:/topic/proto\n__proto__:polluted\nconstructor:evil\n\nok\0');
    const m = await c.command('MESSAGE');
    // `__proto__` is no application header name (#10 allow-list), so it is dropped; `constructor` is one.
    assert.equal(m.headers.get('__proto__'), undefined);
    assert.equal(m.headers.get('constructor'), 'evil');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    c.close();
  });
});

describe('framing', () => {
  it('takes a frame split across WebSocket messages and several frames in one message', async () => {
    const c = await RawStomp.open(chat());
    const connect = f('CONNECT', { 'accept-version': '1.2', 'heart-beat': '0,0' });
    c.send(connect.slice(0, 5));
    c.send(connect.slice(5, 11));
    c.send(connect.slice(11) + '\n\r\n' + f('SUBSCRIBE', { id: 's', destination: '/topic/split' }) + f('SEND', { destination: '/topic/split', receipt: 'x' }, 'both'));
    const m = await c.command('MESSAGE');
    assert.equal(m.body.toString(), 'both');
    assert.equal(m.headers.get('subscription'), 's');
    assert.ok(m.headers.get('message-id'));
    c.close();
  });

  it('carries NUL octets with content-length; non-UTF-8 bodies travel as binary messages', async () => {
    const c = await connected();
    c.send(f('SUBSCRIBE', { id: 's', destination: '/topic/bin', receipt: 's' }));
    await c.command('RECEIPT');
    let binary = false;
    c.ws.on('message', (_d, isBinary) => { if (isBinary) binary = true; });
    const body = Buffer.from([0x00, 0xff, 0x00, 0x41]);
    c.send(Buffer.concat([Buffer.from(`SEND\ndestination:/topic/bin\ncontent-length:${body.length}\n\n`), body, Buffer.from([0])]));
    const m = await c.command('MESSAGE');
    assert.deepEqual(m.body, body);
    assert.equal(binary, true);
    c.close();
  });

  it('escapes header values in 1.2 and leaves them alone in 1.0', async () => {
    const c12 = await connected();
    c12.send(f('SUBSCRIBE', { id: 's', destination: '/topic/esc', receipt: 's' }));
    await c12.command('RECEIPT');
    const c10 = await connected({ 'accept-version': '1.0' });
    c10.send(f('SUBSCRIBE', { id: 's', destination: '/topic/esc', receipt: 's' }));
    await c10.command('RECEIPT');
    c12.send('SEND\ndestination:/topic/esc\nnote:a\\cb\\nc\\\\n\n\nhi\0');
    const m12 = await c12.command('MESSAGE');
    assert.equal(m12.headers.get('note'), 'a:b\nc\\n', 'decoded in one pass: \\\\n is a backslash and n');
    const m10 = await c10.command('MESSAGE');
    assert.equal(m10.body.toString(), 'hi');
    assert.equal(m10.headers.get('note'), undefined, 'a value 1.0 cannot carry is left out, not allowed to break the frame');
    c12.close();
    c10.close();
  });

  it('forwards content-type and custom application headers only, the same allow-list as the relay (#10)', async () => {
    const c = await connected();
    c.send(f('SUBSCRIBE', { id: 's', destination: '/topic/allow', receipt: 's' }));
    await c.command('RECEIPT');
    const sent = {
      destination: '/topic/allow', 'content-type': 'text/plain', note: 'kept', 'trace-id': 't-1',
      'user-id': 'somebody', priority: '9', expiration: '1', 'reply-to': '/temp-queue/x', persistent: 'true',
      timestamp: 'now', 'x-message-ttl': '1', 'amqp-message-id': 'a', 'Upper-Case': 'u', 'under_score': 'u',
      'message-id': 'forged', subscription: 'forged', authorization: 'Bearer secret',
    };
    c.send(f('SEND', sent, 'hi'));
    const m = await c.command('MESSAGE');
    const names = [...m.headers.keys()].sort();
    assert.deepEqual(names, ['content-length', 'content-type', 'destination', 'message-id', 'note', 'subscription', 'trace-id']);
    assert.equal(m.headers.get('subscription'), 's');
    assert.notEqual(m.headers.get('message-id'), 'forged');
    assert.equal(m.headers.get('note'), 'kept');
    c.close();
  });
});

describe('receipts, acknowledgements, DISCONNECT', () => {
  it('answers every frame that asks for a receipt', async () => {
    const c = await connected();
    const frames = [
      f('SUBSCRIBE', { id: 'a', destination: '/topic/r', ack: 'client-individual', receipt: '1' }),
      f('SEND', { destination: '/topic/r', receipt: '2' }, 'x'),
      f('BEGIN', { transaction: 't', receipt: '3' }),
      f('ACK', { id: 'whatever', transaction: 't', receipt: '4' }),
      f('COMMIT', { transaction: 't', receipt: '5' }),
      f('BEGIN', { transaction: 'u', receipt: '6' }),
      f('ABORT', { transaction: 'u', receipt: '7' }),
      f('NACK', { id: 'other', receipt: '8' }),
      f('UNSUBSCRIBE', { id: 'a', receipt: '9' }),
    ];
    c.send(frames.join(''));
    for (const id of ['1', '2', '3', '4', '5', '6', '7', '8', '9']) {
      await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === id);
    }
    const m = await c.command('MESSAGE');
    assert.ok(m.headers.get('ack'), 'client ack mode puts an ack header on MESSAGE (1.2)');
    c.send(f('DISCONNECT', { receipt: 'bye' }));
    await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'bye');
    await c.closed;
  });

  it('UNSUBSCRIBE stops delivery', async () => {
    const c = await connected();
    c.send(f('SUBSCRIBE', { id: 'a', destination: '/topic/u', receipt: '1' }) + f('UNSUBSCRIBE', { id: 'a' }) +
      f('SUBSCRIBE', { id: 'b', destination: '/topic/u2' }) + f('SEND', { destination: '/topic/u' }, 'lost') +
      f('SEND', { destination: '/topic/u2' }, 'kept'));
    const m = await c.command('MESSAGE');
    assert.equal(m.body.toString(), 'kept');
    assert.equal(c.frames.filter((x) => x.command === 'MESSAGE').length, 1);
    c.close();
  });
});

describe('timing: heart-beats, CONNECT timeout, rate limit', () => {
  let fast: RunningServer;
  before(async () => {
    fast = await startServer({ HEARTBEAT_MS: '200', CONNECT_TIMEOUT_MS: '300', RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '2' });
  });
  after(async () => void (await fast.stop()));

  it('sends heart-beats on time when the client asks for them', async () => {
    const c = await RawStomp.open(`${fast.wsUrl}/chat`);
    const connectedFrame = await c.connect({ 'heart-beat': '0,200' });
    assert.equal(connectedFrame.headers.get('heart-beat'), '200,200');
    const t0 = Date.now();
    while (c.heartbeats < 3) await new Promise((r) => setTimeout(r, 50));
    assert.ok(Date.now() - t0 < 2_000);
    c.close();
  });

  it('drops a client that stays silent past its heart-beat promise', async () => {
    const c = await RawStomp.open(`${fast.wsUrl}/chat`);
    await c.connect({ 'heart-beat': '200,0' });
    const e = await c.expectErrorAndClose(3_000);
    assert.match(e.headers.get('message') ?? '', /heart-beat/);
  });

  it('keeps a client that beats', async () => {
    const c = await RawStomp.open(`${fast.wsUrl}/chat`);
    await c.connect({ 'heart-beat': '100,0' });
    const beat = setInterval(() => c.send('\n'), 100);
    await new Promise((r) => setTimeout(r, 800));
    clearInterval(beat);
    assert.equal(c.closeCode, undefined);
    c.close();
  });

  it('closes a socket that never sends CONNECT', async () => {
    const c = await RawStomp.open(`${fast.wsUrl}/chat`);
    const e = await c.expectErrorAndClose(3_000);
    assert.match(e.headers.get('message') ?? '', /CONNECT/);
  });

  it('throttles a flooding sender with an error on /user/queue/errors', async () => {
    const c = await RawStomp.open(`${fast.wsUrl}/chat`);
    await c.connect({ 'heart-beat': '0,0' });
    c.send(f('SUBSCRIBE', { id: 'e', destination: '/user/queue/errors' }) + f('SUBSCRIBE', { id: 't', destination: '/topic/flood', receipt: 's' }));
    await c.command('RECEIPT');
    c.send(Array.from({ length: 6 }, (_, i) => f('SEND', { destination: '/topic/flood', receipt: `m${i}` }, `${i}`)).join(''));
    const e = await c.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === 'e');
    const body = JSON.parse(e.body.toString());
    assert.equal(body.error, 'rate-limited');
    assert.equal(body.receiptId, 'm2');
    c.close();
  });
});
