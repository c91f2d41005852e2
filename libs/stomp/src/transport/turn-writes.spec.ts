// #14: a turn's writes to one socket leave together; big ones never wait. A real Writable records how
// Node hands the chunks to the sink: one _writev call is one system call on a socket.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { batchTurns, writeInTurn } from './turn-writes';

function sink() {
  const calls: number[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      calls.push([chunk.length]);
      done();
    },
    writev(chunks, done) {
      calls.push(chunks.map((c) => (c.chunk as Buffer).length));
      done();
    },
  });
  const write = (bytes: number) => {
    writeInTurn(stream, bytes);
    stream.write(Buffer.alloc(bytes));
  };
  return { stream, calls, write };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('#14 writeInTurn', () => {
  it('ten small frames written in one turn reach the sink as one writev, at the end of the turn', async () => {
    const a = sink();
    for (let i = 0; i < 10; i++) a.write(100);
    assert.deepEqual(a.calls, [], 'held while the turn runs');
    await nextTurn();
    assert.deepEqual(a.calls, [Array(10).fill(100)]);
  });

  it('frames written from promise continuations of the same turn still go together', async () => {
    const a = sink();
    a.write(10);
    await Promise.resolve();
    a.write(20);
    await nextTurn();
    assert.deepEqual(a.calls, [[10, 20]]);
  });

  it('a big frame flushes what is held and goes out at once; later small ones are held again', async () => {
    const a = sink();
    a.write(100);
    a.write(100);
    a.write(20_000);
    assert.deepEqual(a.calls, [[100, 100], [20_000]], 'nothing waits behind a big body');
    a.write(50);
    a.write(50);
    await nextTurn();
    assert.deepEqual(a.calls, [[100, 100], [20_000], [50, 50]]);
  });

  it('streams are held apart: each gets its own writev', async () => {
    const [a, b] = [sink(), sink()];
    a.write(1);
    b.write(2);
    a.write(3);
    await nextTurn();
    assert.deepEqual(a.calls, [[1, 3]]);
    assert.deepEqual(b.calls, [[2]]);
  });

  describe('batchTurns, on a real loopback socket', () => {
    /** A connected pair: the accepted (server) socket, batched, and what its peer receives. */
    async function pair(): Promise<{ server: Socket; received: Buffer[]; writes: number[]; close(): void }> {
      const listener = createServer();
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
      const client = connect((listener.address() as AddressInfo).port, '127.0.0.1');
      const received: Buffer[] = [];
      client.on('data', (chunk: Buffer) => received.push(chunk));
      client.on('error', () => undefined);
      const server = await accepted;
      // Each _write or _writev of a net.Socket is one write system call: count them.
      const writes: number[] = [];
      const s = server as Socket & { _writev(chunks: unknown[], cb: () => void): void; _write(c: unknown, e: string, cb: () => void): void };
      const writev = s._writev;
      const write = s._write;
      s._writev = function (chunks, cb) { writes.push(chunks.length); return writev.call(this, chunks, cb); };
      s._write = function (c, e, cb) { writes.push(1); return write.call(this, c, e, cb); };
      batchTurns(server);
      return { server, received, writes, close: () => { client.destroy(); server.destroy(); listener.close(); } };
    }
    const until = async (check: () => boolean) => {
      const deadline = Date.now() + 2_000;
      while (!check()) {
        assert.ok(Date.now() < deadline, 'timed out');
        await new Promise((r) => setTimeout(r, 2));
      }
    };

    it('whoever writes to the socket, a turn\'s writes are one system call', async () => {
      const p = await pair();
      for (let i = 0; i < 5; i++) p.server.write(Buffer.from(`frame ${i};`));
      p.server.write('and a string;');
      await until(() => Buffer.concat(p.received).length === 5 * 8 + 13);
      assert.deepEqual(p.writes, [6]);
      p.close();
    });

    it('a socket destroyed in the turn it was written to still sends what it held', async () => {
      const p = await pair();
      p.server.write(Buffer.from('last words'));
      p.server.destroy();
      await until(() => Buffer.concat(p.received).toString() === 'last words');
      p.close();
    });
  });
});
