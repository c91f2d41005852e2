// #14: every door's writes of one event-loop turn leave its socket in one system call, on the real
// server and real loopback sockets. The server-side socket of each connection is watched through the
// methods a Writable's implementer provides (_write, _writev): each call is one write system call, and
// the chunks it carries are the frames that went together.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@app/config';
import { StompTcpServer } from '@app/stomp';
import { SseStream } from '../../libs/transports/src/http/sse-stream';
import { bootstrap } from '../../apps/chat-server/src/main';
import { RawStomp, frameText as f } from '../support/raw-stomp';

type Chunk = Buffer | string | Uint8Array;
type Implemented = Duplex & {
  _write(chunk: Chunk, encoding: BufferEncoding, done: (error?: Error | null) => void): void;
  _writev?(chunks: { chunk: Chunk }[], done: (error?: Error | null) => void): void;
};

/** The write system calls made on `socket` from now on, each as the chunks it carried. */
function watch(socket: Duplex): Chunk[][] {
  const calls: Chunk[][] = [];
  const s = socket as Implemented;
  const write = s._write;
  const writev = s._writev;
  s._write = function (chunk, encoding, done) {
    calls.push([chunk]);
    return write.call(this, chunk, encoding, done);
  };
  if (writev) {
    s._writev = function (chunks, done) {
      calls.push(chunks.map((c) => c.chunk));
      return writev.call(this, chunks, done);
    };
  }
  return calls;
}

const size = (c: Chunk) => (typeof c === 'string' ? Buffer.byteLength(c) : c.byteLength);
const shown = (calls: Chunk[][]) => `write calls (chunk sizes): ${JSON.stringify(calls.map((call) => call.map(size)))}`;

/** Resolves once `check()` holds and one more turn has passed (nothing else is left in it). */
async function settled(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setImmediate(r));
}

/** Several messages in one client write, so that the server reads them in one chunk, in one turn. */
function inOneWrite(ws: WebSocket, send: () => void): void {
  const socket = (ws as unknown as { _socket: Socket })._socket;
  socket.cork();
  send();
  socket.uncork();
}

const receipts = (ids: string[]) => ids.map((id) => f('UNSUBSCRIBE', { id: `none-${id}`, receipt: id })).join('');

let app: NestExpressApplication;
let port: number;
let tcpPort: number;
/** The server-side socket of each upgrade and TCP connection, by the client's port. */
const serverSockets = new Map<number, Chunk[][]>();

before(async () => {
  app = await bootstrap(loadConfig({
    HOST: '127.0.0.1', PORT: '0', STOMP_TCP_PORT: '0', DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'error', RATE_LIMIT_PER_SEC: '0',
  }));
  const server = app.getHttpServer() as Server;
  port = (server.address() as AddressInfo).port;
  server.prependListener('upgrade', (req: IncomingMessage, socket: Duplex) => {
    serverSockets.set(req.socket.remotePort!, watch(socket));
  });
  const [tcp] = app.get(StompTcpServer).listening;
  tcpPort = tcp!.address.port;
  // The transport's listener is its own; its 'connection' event is the one public place to see its sockets.
  const listener = (app.get(StompTcpServer) as unknown as { doors: { transport: { server: NetServer } }[] }).doors[0]!.transport.server;
  listener.prependListener('connection', (socket: Socket) => serverSockets.set(socket.remotePort!, watch(socket)));
});
after(async () => void (await app.close()));

const callsOf = (ws: WebSocket) => serverSockets.get((ws as unknown as { _socket: Socket })._socket.localPort!)!;

describe('#14 one write system call per turn, on every door', { timeout: 60_000 }, () => {
  it('STOMP over WebSocket (/chat): three RECEIPTs of one turn are one writev', async () => {
    const c = await RawStomp.open(`ws://127.0.0.1:${port}/chat`);
    await c.connect();
    const calls = callsOf(c.ws);
    calls.length = 0;
    c.send(receipts(['a', 'b', 'c']));
    await settled(() => c.frames.filter((x) => x.command === 'RECEIPT').length === 3);
    // Each ws frame is a header and a payload chunk.
    assert.deepEqual(calls.map((call) => call.length), [6], shown(calls));
    c.ws.close();
  });

  it('the plain chat socket (/ws/chat): three refusals of one turn are one writev', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/chat?room=batching`);
    const answers: string[] = [];
    ws.on('message', (data: Buffer) => answers.push(data.toString()));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const calls = callsOf(ws);
    await settled(() => true);
    calls.length = 0;
    inOneWrite(ws, () => {
      for (let i = 0; i < 3; i++) ws.send('not json');
    });
    await settled(() => answers.length === 3);
    assert.ok(answers.every((a) => JSON.parse(a).error === 'bad-json'));
    assert.deepEqual(calls.map((call) => call.length), [6], shown(calls));
    ws.close();
  });

  it('SockJS over its websocket transport: three frames of one turn are one writev', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/chat/000/batching/websocket`);
    const frames: string[] = [];
    ws.on('message', (data: Buffer) => frames.push(data.toString()));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    await settled(() => frames.includes('o'));
    ws.send(JSON.stringify([f('CONNECT', { 'accept-version': '1.2', host: 'localhost' })]));
    await settled(() => frames.some((x) => x.includes('CONNECTED')));
    const calls = callsOf(ws);
    calls.length = 0;
    // One SockJS message of three STOMP frames: sockjs hands them over one by one, in one turn.
    ws.send(JSON.stringify(['x', 'y', 'z'].map((id) => receipts([id]))));
    await settled(() => frames.filter((x) => x.includes('RECEIPT')).length === 3);
    assert.deepEqual(calls.map((call) => call.length), [3], shown(calls));
    ws.close();
  });

  it('Socket.IO over websocket: what engine.io sends in one turn is one writev', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    const packets: string[] = [];
    ws.on('message', (data: Buffer) => packets.push(data.toString()));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    await settled(() => packets.some((p) => p.startsWith('0')));
    ws.send('40');
    await settled(() => packets.some((p) => p.startsWith('40')));
    const calls = callsOf(ws);
    calls.length = 0;
    // Three joins without a room, each answered (refused) through its ack, all in the turn they are read.
    inOneWrite(ws, () => {
      for (let i = 1; i <= 3; i++) ws.send(`42${i}["join",{}]`);
    });
    await settled(() => packets.filter((p) => p.startsWith('43')).length === 3);
    // engine.io keeps one send in flight: the first ack goes alone, the two queued behind it go together
    // once it is written (unbatched, each of them would be a write of its own).
    assert.deepEqual(calls.map((call) => call.length), [2, 4], shown(calls));
    ws.close();
  });

  it('STOMP over TCP: three RECEIPTs of one turn are one writev', async () => {
    const socket = connect(tcpPort, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(f('CONNECT', { 'accept-version': '1.2', host: 'localhost' }));
    await settled(() => received.includes('CONNECTED'));
    const calls = serverSockets.get(socket.localPort!)!;
    calls.length = 0;
    socket.write(receipts(['a', 'b', 'c']));
    await settled(() => received.split('RECEIPT').length === 4);
    assert.deepEqual(calls.map((call) => call.length), [3], shown(calls));
    socket.destroy();
  });

  it('a big body is not held: it goes out in the turn it is written, with what was held before it', async () => {
    const c = await RawStomp.open(`ws://127.0.0.1:${port}/chat`);
    await c.connect();
    c.send(f('SUBSCRIBE', { id: 's', destination: '/topic/batching-big', receipt: 'sub' }));
    await c.next((x) => x.headers.get('receipt-id') === 'sub');
    const calls = callsOf(c.ws);
    calls.length = 0;
    c.send(receipts(['before']) + f('SEND', { destination: '/topic/batching-big' }, 'b'.repeat(20_000)) + receipts(['after']));
    await settled(() => c.frames.some((x) => x.headers.get('receipt-id') === 'after') && c.frames.some((x) => x.command === 'MESSAGE'));
    // The RECEIPT before it and the MESSAGE leave together; the one after waits for the end of the turn.
    const sizes = calls.map((call) => call.length);
    assert.deepEqual(sizes, [4, 2], shown(calls));
    assert.ok(size(calls[0]![3]!) >= 20_000, 'the body leaves whole, as one chunk of its own');
    c.ws.close();
  });
});

describe('#14 HTTP doors: Node corks a response for the turn', () => {
  it('an SSE stream\'s events of one turn are one writev', async () => {
    let calls: Chunk[][] = [];
    const server = createServer((req, res) => {
      calls = watch(req.socket);
      const stream = new SseStream(res, 1000, { bufferBytes: 1 << 20, timeLimitMs: 10_000 }, { messagesOut: 0, framesOut: 0, slowConsumerDisconnects: 0 } as never, () => undefined);
      stream.open(() => undefined);
      setTimeout(() => {
        calls.length = 0;
        for (let i = 0; i < 3; i++) stream.heartbeat();
      }, 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    let body = '';
    const req = httpRequest({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', path: '/' }, (res) => {
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
    });
    req.end();
    await settled(() => body.split(':\n\n').length === 4);
    // Each event is a chunk-size line, the event and a CRLF or two (chunked encoding): one call still.
    assert.equal(calls.length, 1, shown(calls));
    req.destroy();
    server.closeAllConnections();
    server.close();
  });
});

describe('#14 S4: a big body is encoded once and written without copies', () => {
  it('one 16 KiB SEND reaches every subscriber (same subscription id) as one and the same Buffer', async () => {
    const subscribers = await Promise.all([0, 1, 2].map(() => RawStomp.open(`ws://127.0.0.1:${port}/chat`)));
    for (const s of subscribers) {
      await s.connect();
      s.send(f('SUBSCRIBE', { id: 'sub-0', destination: '/topic/s4-body', receipt: 'live' }));
      await s.next((x) => x.headers.get('receipt-id') === 'live');
    }
    const publisher = await RawStomp.open(`ws://127.0.0.1:${port}/chat`);
    await publisher.connect();
    const calls = subscribers.map((s) => callsOf(s.ws));
    for (const c of calls) c.length = 0;
    publisher.send(f('SEND', { destination: '/topic/s4-body' }, 'x'.repeat(16 * 1024)));
    await settled(() => subscribers.every((s) => s.frames.some((x) => x.command === 'MESSAGE')));
    // The WebSocket frame is ws's header chunk and the payload chunk as the session handed it over.
    const payloads = calls.map((c) => c.flat().find((chunk) => size(chunk) > 16 * 1024));
    assert.ok(payloads.every((p) => p !== undefined), shown(calls.flat()));
    assert.ok(payloads.every((p) => p === payloads[0]), 'every subscriber is written the same Buffer, not a copy');
    for (const s of [...subscribers, publisher]) s.ws.close();
  });

  it('no WebSocket door agrees to permessage-deflate, which would compress a fan-out once per subscriber', async () => {
    const doors: [string, string[]][] = [
      ['/chat', ['v12.stomp']],
      ['/ws/chat', []],
      ['/chat/000/deflate/websocket', []],
      ['/chat/websocket', []],
      ['/socket.io/?EIO=4&transport=websocket', []],
    ];
    for (const [path, protocols] of doors) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, protocols, { perMessageDeflate: true });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      assert.equal(ws.extensions, '', `${path} negotiated ${ws.extensions}`);
      ws.close();
    }
  });
});
