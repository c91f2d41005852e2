import type { Writable } from 'node:stream';

/**
 * What is written to one socket during one event-loop turn leaves in one system call (up to HOLD_BYTES).
 *
 * A turn often carries several frames for the same client: a batch of stored messages fanned out after
 * one commit, a chunk of pipelined SENDs from a publisher (each fanned out to the same subscribers), a
 * RECEIPT after the sender's own copy of its message. Written one by one, each is a writev of its own,
 * and on loopback a writev costs more than the rest of a delivery; a publisher whose SENDs arrive in one chunk
 * (it fell behind, or pipelines) got one writev per SEND and subscriber: in a profile of a 1,000-subscriber
 * fan-out at 30 msg/s, one such turn took 589 ms, 81 % of it in writev. Held for the turn, it is one
 * writev per subscriber. The stream is uncorked once the turn's synchronous work and promise
 * continuations are done (process.nextTick runs after both), so nothing waits for a later turn.
 */
const corked = new Set<Writable>();
let flushing = false;
/**
 * Most bytes held for the end of a turn. A write that would pass it flushes what is held and goes out
 * unheld, so big bodies never wait, and the slow-consumer rule (which counts bytes the kernel has not
 * taken) sees at most this much that it would not have seen unheld.
 */
const HOLD_BYTES = 16 * 1024;

/** Call before each write of `bytes` to `stream`. */
export function writeInTurn(stream: Writable, bytes: number): void {
  if (stream.writableLength + bytes > HOLD_BYTES) {
    if (corked.delete(stream)) stream.uncork();
    return;
  }
  if (corked.has(stream)) return;
  stream.cork();
  corked.add(stream);
  if (!flushing) {
    flushing = true;
    process.nextTick(flush);
  }
}

function flush(): void {
  flushing = false;
  // A stream corked while uncorking (a write callback writing again) waits for the next tick, not forever.
  const streams = [...corked];
  corked.clear();
  for (const stream of streams) stream.uncork();
}
