import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { BenchConnection } from './bench-connection';
import { decodePayload, encodePayload } from './bench-payload';
import { startBareWsServer, type BareWsServer } from './bare-ws-server';
import { FrameReader, type InboundFrame } from './stomp-wire';

/** Resolves when `condition` holds; fails the test after `ms`. */
async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The bench client and the ceiling server, over a real loopback socket. */
describe('bare ws ceiling server with the bench client', () => {
  let server: BareWsServer;
  let url: string;
  before(async () => {
    server = await startBareWsServer('127.0.0.1', 0, 0);
    url = `ws://127.0.0.1:${server.port}/chat`;
  });
  after(() => server.close());

  function client(received: InboundFrame[], problems: string[] = []): BenchConnection {
    return new BenchConnection(url, 'v12.stomp', {
      onMessage: (_body, f) => void (f && received.push(f)),
      onProblem: (reason) => problems.push(reason),
    });
  }

  it('delivers one SEND to every subscriber of the destination, and to no other', async () => {
    const gotA: InboundFrame[] = [];
    const gotB: InboundFrame[] = [];
    const other: InboundFrame[] = [];
    const a = client(gotA);
    const b = client(gotB);
    const c = client(other);
    const publisher = client([]);
    await Promise.all([
      a.open(0, '/topic/t1', 5_000), b.open(0, '/topic/t1', 5_000), c.open(0, '/topic/t2', 5_000), publisher.open(0, null, 5_000),
    ]);
    publisher.publish('/topic/t1', encodePayload(3, 42.5, 64), 'text/plain', false);
    // A second SEND to t2 from the same socket arrives after the first one was fanned out.
    publisher.publish('/topic/t2', encodePayload(4, 1, 64), 'text/plain', false);
    await until(() => gotA.length + gotB.length === 2 && other.length === 1);
    for (const f of [gotA[0], gotB[0]]) {
      assert.equal(f.command, 'MESSAGE');
      assert.equal(f.header('destination'), '/topic/t1');
      assert.equal(f.header('subscription'), 'sub-0');
      assert.deepEqual(decodePayload(f.body), { phase: 3, sentAt: 42.5 });
    }
    assert.equal(gotA[0].header('message-id'), gotB[0].header('message-id'));
    assert.deepEqual(decodePayload(other[0].body), { phase: 4, sentAt: 1 }, 't2 got only its own message');
    await Promise.all([a, b, c, publisher].map((x) => x.close(1_000)));
  });

  it('answers a frame before CONNECT with an ERROR and a close, and keeps serving others', async () => {
    const ws = new WebSocket(url, 'v12.stomp');
    await new Promise((r) => ws.once('open', r));
    const frames: InboundFrame[] = [];
    const reader = new FrameReader();
    ws.on('message', (d: Buffer) => frames.push(...reader.push(d)));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('SEND\ndestination:/topic/x\n\nhi\0');
    assert.equal(await closed, 1002);
    assert.equal(frames[0]?.command, 'ERROR');
    assert.match(frames[0].header('message') ?? '', /CONNECT first/);

    const ok = client([]);
    await ok.open(0, '/topic/x', 5_000);
    assert.ok(ok.isOpen);
    await ok.close(1_000);
  });

  it('refuses a client that offers no STOMP sub-protocol', async () => {
    const problems: string[] = [];
    const wrong = new BenchConnection(url, 'mqtt', { onMessage: () => undefined, onProblem: (p) => problems.push(p) });
    await assert.rejects(wrong.open(0, null, 5_000));
  });

  it('sends heart-beats that the bench client counts', async () => {
    const hb = await startBareWsServer('127.0.0.1', 0, 50);
    try {
      const conn = new BenchConnection(`ws://127.0.0.1:${hb.port}/chat`, 'v12.stomp', {
        onMessage: () => undefined, onProblem: () => undefined,
      });
      await conn.open(50, null, 5_000);
      await until(() => conn.heartbeatsIn >= 2);
      assert.ok(conn.isOpen);
      await conn.close(1_000);
    } finally {
      await hb.close();
    }
  });
});
