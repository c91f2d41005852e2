// #14: a turn's writes to one socket leave together; big ones never wait. A real Writable records how
// Node hands the chunks to the sink: one _writev call is one system call on a socket.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { writeInTurn } from './turn-writes';

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
});
