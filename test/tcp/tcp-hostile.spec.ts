// #15 item 1: the STOMP TCP and TLS doors take hostile input as the WebSocket door does: any chunking of
// pipelined frames decodes the same, oversized frames, garbage and HTTP requests end that session with an
// ERROR and a close, slow or silent clients are cut at CONNECT_TIMEOUT_MS, a reader that stops is dropped
// as a slow consumer, the per-address cap is the same count as HTTP's; the process serves on throughout.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect as netConnect } from 'node:net';
import { request } from '../http/http-client';
import { selfSigned, type SelfSigned } from '../support/self-signed';
import { startServer, type RunningServer } from '../support/server';
import { RawTcpStomp, frame as f } from './raw-tcp-stomp';

const CONNECT_TIMEOUT_MS = 1_000;
const MAX_FRAME_BYTES = 4_096;
const CAP = 20;
let tls: SelfSigned;
let server: RunningServer;

before(async () => {
  tls = selfSigned();
  server = await startServer({
    STOMP_TCP_PORT: '0',
    STOMP_TLS_PORT: '0',
    TLS_CERT_FILE: tls.certFile,
    TLS_KEY_FILE: tls.keyFile,
    CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
    MAX_CONNECTIONS_PER_IP: String(CAP),
    SEND_BUFFER_BYTES: '65536',
    RATE_LIMIT_PER_SEC: '0',
  });
});

after(async () => {
  // SIGTERM: a connected TCP client is told (ERROR), and the server exits 0.
  const c = await tcp();
  await c.connect();
  const exit = server.stop();
  const error = await c.errorThenClose();
  assert.equal(error.headers.get('message'), 'server shutting down');
  assert.equal(await exit, 0);
  rmSync(tls.dir, { recursive: true, force: true });
});

const tcp = (localAddress?: string) => RawTcpStomp.open({ port: server.tcpPort!, localAddress });
const overTls = () => RawTcpStomp.open({ port: server.tlsPort!, ca: tls.cert });

async function metric(line: string): Promise<number> {
  const text = (await request(`${server.url}/metrics`, { ca: tls.cert })).text;
  const m = new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

async function stillServing(): Promise<void> {
  assert.equal((await request(`${server.url}/health/live`, { ca: tls.cert })).status, 200);
  const c = await tcp();
  await c.connect();
  c.write(f('SUBSCRIBE', { id: 'x', destination: '/topic/alive', receipt: 'alive' }));
  await c.receipt('alive');
  c.destroy();
}

describe('#15 STOMP over TCP: any chunking decodes the same', () => {
  it('pipelined frames in one write, CONNECT included, with a content-length body holding NULs', async () => {
    const c = await tcp();
    const body = 'a\0b\0c';
    c.write(
      f('CONNECT', { 'accept-version': '1.1,1.2', host: 'x', 'heart-beat': '0,0' })
      + f('SUBSCRIBE', { id: 's', destination: '/topic/pipe', receipt: 'sub' })
      + f('SEND', { destination: '/topic/pipe', 'content-length': String(Buffer.byteLength(body)), receipt: 'send' }, body),
    );
    await c.receipt('send');
    const message = await c.next((x) => x.command === 'MESSAGE');
    assert.equal(message.body.toString(), body);
    assert.equal(c.frames[0]!.command, 'CONNECTED');
    assert.equal(c.frames[0]!.headers.get('version'), '1.2');
    assert.deepEqual(c.frames.filter((x) => x.command === 'RECEIPT').map((x) => x.headers.get('receipt-id')), ['sub', 'send']);
    assert.equal(c.frames.filter((x) => x.command === 'MESSAGE').length, 1);
    c.destroy();
  });

  it('the same session dribbled 3 bytes a chunk, chat SENDs split across every boundary', async () => {
    const room = `dribble${Date.now()}`;
    const c = await tcp();
    await c.dribble(f('CONNECT', { 'accept-version': '1.2', host: 'x', login: 'drib', 'heart-beat': '0,0' }) + f('SUBSCRIBE', { id: 's', destination: `/topic/rooms/${room}`, receipt: 'sub' }), 3);
    await c.receipt('sub');
    const sends = [1, 2, 3].map((i) => f('SEND', { destination: `/app/rooms/${room}`, receipt: `m${i}` }, JSON.stringify({ text: `piece ${i}` }))).join('');
    await c.dribble(sends, 3);
    await c.receipt('m3');
    await c.next(() => c.frames.filter((x) => x.command === 'MESSAGE').length === 3);
    const texts = c.frames.filter((x) => x.command === 'MESSAGE').map((x) => JSON.parse(x.body.toString()));
    assert.deepEqual(texts.map((m) => m.text), ['piece 1', 'piece 2', 'piece 3']);
    assert.ok(texts.every((m) => m.from === 'drib'));
    assert.deepEqual(c.frames.filter((x) => x.command === 'RECEIPT').map((x) => x.headers.get('receipt-id')), ['sub', 'm1', 'm2', 'm3']);
    c.destroy();
  });
});

describe('#15 STOMP over TCP: hostile input ends that session with an ERROR, nothing else', () => {
  it('an oversized frame, with or without content-length', async () => {
    for (const headers of [{}, { 'content-length': String(10 * MAX_FRAME_BYTES) }] as Record<string, string>[]) {
      const c = await tcp();
      await c.connect();
      c.write(f('SEND', { destination: '/topic/big', ...headers }, 'x'.repeat(2 * MAX_FRAME_BYTES)));
      const error = await c.errorThenClose();
      assert.match(error.headers.get('message')!, new RegExp(`larger than ${MAX_FRAME_BYTES} bytes`));
    }
    await stillServing();
  });

  it('garbage bytes, before and after CONNECT', async () => {
    for (const connected of [false, true]) {
      const c = await tcp();
      if (connected) await c.connect();
      c.write(Buffer.concat([Buffer.from('X'), randomBytes(3_000)]));
      const error = await c.errorThenClose();
      assert.ok(error.headers.get('message'));
    }
    await stillServing();
  });

  it('an HTTP request gets a STOMP ERROR, never an HTTP answer', async () => {
    const c = await tcp();
    c.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    const error = await c.errorThenClose();
    assert.match(error.headers.get('message')!, /command/i);
    assert.ok(c.raw.toString('latin1').startsWith('ERROR\n'), c.raw.toString('latin1').slice(0, 40));
    assert.doesNotMatch(c.raw.toString('latin1'), /^HTTP\/1\.[01] \d{3}/m, 'no status line anywhere');
  });

  it('a silent socket and a CONNECT dribbled forever are cut at CONNECT_TIMEOUT_MS with ERROR', async () => {
    const started = Date.now();
    const silent = await tcp();
    const slow = await tcp();
    const loris = (async () => {
      for (const byte of 'CONNECT\naccept-version:1.2\nhost:x\nx-pad:') {
        if (slow.ended) return;
        slow.write(byte);
        await new Promise((r) => setTimeout(r, 100));
      }
      while (!slow.ended) {
        slow.write('a');
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const [a, b] = await Promise.all([silent.errorThenClose(), slow.errorThenClose()]);
    await loris;
    for (const e of [a, b]) assert.equal(e.headers.get('message'), 'CONNECT timeout');
    const took = Date.now() - started;
    assert.ok(took >= CONNECT_TIMEOUT_MS - 50 && took < CONNECT_TIMEOUT_MS + 4_000, `cut after ${took} ms`);
  });

  it('over TLS: a silent session is cut at CONNECT_TIMEOUT_MS, a socket that never handshakes is closed, plaintext is refused', async () => {
    const quiet = await overTls();
    assert.equal((await quiet.errorThenClose()).headers.get('message'), 'CONNECT timeout');

    const noHandshake = netConnect({ host: '127.0.0.1', port: server.tlsPort! });
    noHandshake.on('error', () => undefined);
    const started = Date.now();
    await new Promise((resolve) => noHandshake.once('close', resolve));
    assert.ok(Date.now() - started < CONNECT_TIMEOUT_MS + 4_000, 'the handshake has the CONNECT timeout too');

    const plain = await RawTcpStomp.open({ port: server.tlsPort! });
    plain.write(f('CONNECT', { 'accept-version': '1.2', host: 'x' }));
    await plain.closed;
    assert.equal(plain.frames.length, 0, 'no STOMP in the clear on the TLS port');
    await stillServing();
  });
});

describe('#15 STOMP over TCP: limits shared with the other doors', () => {
  it('MAX_CONNECTIONS_PER_IP counts TCP and HTTP connections of one address together', async () => {
    const from = '127.0.0.9';
    const held = await Promise.all(Array.from({ length: CAP - 1 }, () => tcp(from)));
    const last = await tcp(from);
    await last.connect();
    const refused = await tcp(from);
    const error = await refused.errorThenClose();
    assert.equal(error.headers.get('message'), 'too many connections');
    const rest = await request(`${server.url}/api/rooms`, { ca: tls.cert, localAddress: from });
    assert.equal(rest.status, 429, 'the HTTPS port counts the same connections');
    assert.ok((await tcp('127.0.0.10')).socket.writable, 'another address is not affected');

    // Closing one frees one slot once the server has seen the close (its session count drops with it).
    const open = await metric('chat_connections{door="tcp",protocol="stomp"}');
    last.destroy();
    for (const deadline = Date.now() + 5_000; (await metric('chat_connections{door="tcp",protocol="stomp"}')) !== open - 1;) {
      assert.ok(Date.now() < deadline, 'the server did not see the close');
      await new Promise((r) => setTimeout(r, 20));
    }
    const again = await tcp(from);
    await again.connect();
    for (const c of [...held, again]) c.destroy();
  });

  it('over HTTPS an SSE stream on its own socket costs one slot, as over HTTP (the TLS socket finds its raw socket\'s slot)', async () => {
    const from = '127.0.0.11';
    const half = CAP / 2;
    const streams = await Promise.all(Array.from({ length: half }, () => new Promise<ClientRequest>((resolve, reject) => {
      const req = httpsGet(`${server.url}/sse/rooms/capped`, { ca: tls.cert, localAddress: from, agent: false }, (res) => {
        assert.equal(res.statusCode, 200);
        resolve(req);
      });
      req.on('error', reject);
    })));
    const sessions = await Promise.all(Array.from({ length: half }, () => tcp(from)));
    for (const c of sessions) await c.connect();
    const refused = await tcp(from);
    assert.equal((await refused.errorThenClose()).headers.get('message'), 'too many connections');
    for (const c of sessions) c.destroy();
    for (const r of streams) r.destroy();
  });

  it('a TCP subscriber that stops reading is dropped as a slow consumer, counted under door "tcp"', async () => {
    const slow = await tcp();
    await slow.connect();
    slow.write(f('SUBSCRIBE', { id: 's', destination: '/topic/flood', receipt: 'sub' }));
    await slow.receipt('sub');
    const healthy = await tcp();
    await healthy.connect();
    healthy.write(f('SUBSCRIBE', { id: 's', destination: '/topic/flood', receipt: 'sub' }));
    await healthy.receipt('sub');
    slow.socket.pause();

    const before = await metric('chat_slow_consumer_disconnects_total{door="tcp",protocol="stomp"}');
    const publisher = await tcp();
    await publisher.connect();
    const blob = 'b'.repeat(MAX_FRAME_BYTES - 200);
    let sent = 0;
    let dropped = false;
    const deadline = Date.now() + 30_000;
    while (!dropped && Date.now() < deadline) {
      for (let i = 0; i < 100; i++, sent++) publisher.write(f('SEND', { destination: '/topic/flood' }, blob));
      await new Promise((r) => setTimeout(r, 20));
      dropped = (await metric('chat_slow_consumer_disconnects_total{door="tcp",protocol="stomp"}')) > before;
    }
    assert.ok(dropped, `dropped after ${sent} frames`);
    publisher.write(f('SEND', { destination: '/topic/flood', receipt: 'last' }, 'last'));
    await publisher.receipt('last');
    await healthy.next((x) => x.command === 'MESSAGE' && x.body.toString() === 'last', 30_000);
    assert.equal(healthy.frames.filter((x) => x.command === 'MESSAGE').length, sent + 1, 'the healthy subscriber got every frame');
    for (const c of [slow, healthy, publisher]) c.destroy();
  });

  it('counts open TCP and TLS sessions as door "tcp" in /metrics', async () => {
    const base = await metric('chat_connections{door="tcp",protocol="stomp"}');
    const a = await tcp();
    await a.connect();
    const b = await overTls();
    await b.connect();
    assert.equal(await metric('chat_connections{door="tcp",protocol="stomp"}'), base + 2);
    a.destroy();
    b.destroy();
    await Promise.all([a.closed, b.closed]);
  });
});
