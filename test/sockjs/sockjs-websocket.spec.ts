import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { sessionPath, startSockJs, type SockJsTestServer } from './sockjs-test-server';

/** Collects a socket's text messages; `next()` waits for the next unread one. */
class Inbox {
  private readonly messages: string[] = [];
  private read = 0;
  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.messages.push(data.toString('utf8'));
      ws.emit('inbox');
    });
  }

  async next(): Promise<string> {
    while (this.messages.length <= this.read) await once(this.ws, 'inbox');
    return this.messages[this.read++];
  }
}

async function open(url: string, origin?: string): Promise<{ ws: WebSocket; inbox: Inbox }> {
  const ws = new WebSocket(url, origin ? { origin } : {});
  const inbox = new Inbox(ws);
  await once(ws, 'open');
  return { ws, inbox };
}

describe('SockJS over WebSocket', () => {
  let s: SockJsTestServer;
  let base: string;
  before(async () => {
    s = await startSockJs({ limits: { maxFrameBytes: 2048 } });
    base = `ws://127.0.0.1:${s.port}`;
  });
  after(() => s.stop());

  it('/chat/<server>/<session>/websocket: o, JSON-array messages both ways, closed() on client close', async () => {
    const { ws, inbox } = await open(`${base}${sessionPath()}/websocket`);
    assert.equal(await inbox.next(), 'o');
    const session = s.endpoint.sessions.at(-1)!;
    assert.equal(session.connection.transport, 'sockjs-websocket');
    assert.equal(session.connection.remoteAddress, '127.0.0.1');
    ws.send('["CONNECT\\n\\n\\u0000","second"]');
    assert.equal(await inbox.next(), 'a["CONNECT\\n\\n\\u0000"]');
    assert.equal(await inbox.next(), 'a["second"]');
    ws.send('"bare string"');
    assert.equal(await inbox.next(), 'a["bare string"]');
    ws.close();
    await session.whenClosed();
    assert.equal(session.closedCount, 1);
  });

  it('a close from the server arrives as a close frame, then the socket closes', async () => {
    const { ws, inbox } = await open(`${base}${sessionPath()}/websocket`);
    await inbox.next();
    const session = s.endpoint.sessions.at(-1)!;
    const closed = once(ws, 'close');
    session.connection.close(3000, 'Go away!');
    assert.equal(await inbox.next(), 'c[3000,"Go away!"]');
    await closed;
    await session.whenClosed();
  });

  it('broken JSON closes with 3000 "Broken framing."', async () => {
    const { ws, inbox } = await open(`${base}${sessionPath()}/websocket`);
    await inbox.next();
    const session = s.endpoint.sessions.at(-1)!;
    ws.send('[not json');
    const [code, reason] = (await once(ws, 'close')) as [number, Buffer];
    assert.equal(code, 3000);
    assert.equal(reason.toString(), 'Broken framing.');
    await session.whenClosed();
    assert.deepEqual(session.received, []);
  });

  it('a message over MAX_FRAME_BYTES closes with 1009 and reaches nobody', async () => {
    const { ws, inbox } = await open(`${base}${sessionPath()}/websocket`);
    await inbox.next();
    const session = s.endpoint.sessions.at(-1)!;
    ws.send(JSON.stringify(['x'.repeat(3000)]));
    const [code] = (await once(ws, 'close')) as [number];
    assert.equal(code, 1009);
    await session.whenClosed();
    assert.deepEqual(session.received, []);
  });

  it('raw /chat/websocket: plain strings both ways, no SockJS framing', async () => {
    const { ws, inbox } = await open(`${base}/chat/websocket`);
    ws.send('SEND\ndestination:/x\n\nhello\u0000');
    assert.equal(await inbox.next(), 'SEND\ndestination:/x\n\nhello\u0000');
    const session = s.endpoint.sessions.at(-1)!;
    assert.equal(session.connection.transport, 'sockjs-websocket-raw');
    ws.close();
    await session.whenClosed();
    assert.equal(session.closedCount, 1);
  });

  it('#10 raw /chat/websocket: a close from the server reaches the socket with its code, 1002 and 1011 included', async () => {
    for (const [code, reason] of [[1002, 'Unknown command'], [1011, 'Server error'], [1013, 'Send buffer overflow'], [1000, 'bye'], [4001, 'app']] as const) {
      const n = s.endpoint.sessions.length + 1;
      const { ws } = await open(`${base}/chat/websocket`);
      const session = await s.endpoint.session(n);
      const closed = once(ws, 'close') as Promise<[number, Buffer]>;
      session.connection.close(code, reason);
      const [gotCode, gotReason] = await Promise.race([closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${code}: not closed`)), 5_000))]);
      assert.equal(gotCode, code);
      assert.equal(gotReason.toString(), reason);
      await session.whenClosed();
      assert.equal(session.closedCount, 1);
    }
    assert.deepEqual(s.errors, []);
  });

  it('the own origin may upgrade, a foreign one gets 403', async () => {
    const own = await open(`${base}${sessionPath()}/websocket`, `http://127.0.0.1:${s.port}`);
    assert.equal(await own.inbox.next(), 'o');
    own.ws.close();
    const foreign = new WebSocket(`${base}/chat/websocket`, { origin: 'http://evil.example' });
    const [, res] = (await once(foreign, 'unexpected-response')) as [unknown, { statusCode: number }];
    assert.equal(res.statusCode, 403);
    foreign.on('error', () => undefined);
    (res as unknown as { destroy(): void }).destroy();
  });

  it('onOpen and onClose see each session once, with its transport', async () => {
    const seen: string[] = [];
    const hooked = await startSockJs({
      onOpen: (c) => void seen.push(`open ${c.transport}`),
      onClose: (c) => void seen.push(`close ${c.transport}`),
    });
    try {
      const { ws, inbox } = await open(`ws://127.0.0.1:${hooked.port}${sessionPath()}/websocket`);
      await inbox.next();
      assert.equal(hooked.transport.connections, 1);
      ws.close();
      await hooked.endpoint.sessions[0].whenClosed();
      assert.deepEqual(seen, ['open sockjs-websocket', 'close sockjs-websocket']);
      assert.equal(hooked.transport.connections, 0);
    } finally {
      await hooked.stop();
    }
  });

  it('closeAll() ends every session with the given close frame', async () => {
    const a = await open(`${base}${sessionPath()}/websocket`);
    await a.inbox.next();
    const session = s.endpoint.sessions.at(-1)!;
    s.transport.closeAll(1001, 'Server shutting down');
    assert.equal(await a.inbox.next(), 'c[1001,"Server shutting down"]');
    await session.whenClosed();
  });
});
