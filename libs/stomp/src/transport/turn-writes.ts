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

/** Call before each write of `bytes` to `stream` (batchTurns does it for every write of a socket). */
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

/** A batched socket's own write() and destroy(), which the shared wrappers below call. */
const OWN_WRITE = Symbol('write');
const OWN_DESTROY = Symbol('destroy');
interface Batched extends Writable {
  [OWN_WRITE]: Writable['write'];
  [OWN_DESTROY]: Writable['destroy'];
}

/**
 * Every write to `socket`, whoever makes it, goes through writeInTurn: the one place where the rule is
 * applied, by the owner of the socket before it hands it to a door. That is how the doors whose library
 * writes to the socket itself get it without a copy of their own: `ws` under STOMP and /ws/chat,
 * faye-websocket under SockJS's websocket transports, engine.io's `ws` under Socket.IO. All of them write
 * through the socket's public write(), so the socket's own method is wrapped, and nothing of theirs.
 * Every socket gets the same two wrapper functions (not closures of its own), so a library's call site
 * that writes to a thousand sockets still sees one function.
 *
 * A socket destroyed while it holds a turn's bytes hands them to the kernel first, as they would have
 * been unheld (a 101 answer followed by terminate(), an ERROR frame followed by a cut).
 *
 * HTTP responses (SSE, SockJS's streaming and polling transports, Engine.IO polling) need none of this:
 * Node's http corks a response's socket on its first write of a turn and uncorks it on the next tick.
 */
export function batchTurns<S extends Writable>(socket: S): S {
  const s = socket as Writable as Batched;
  if (s[OWN_WRITE] !== undefined) return socket;
  s[OWN_WRITE] = s.write;
  s[OWN_DESTROY] = s.destroy;
  s.write = batchedWrite as Batched['write'];
  s.destroy = batchedDestroy as Batched['destroy'];
  return socket;
}

function batchedWrite(this: Batched, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
  writeInTurn(this, sizeOf(chunk, encoding));
  return (this[OWN_WRITE] as (...args: unknown[]) => boolean)(chunk, encoding, callback);
}

function batchedDestroy(this: Batched, error?: Error): Batched {
  if (corked.delete(this)) this.uncork();
  return this[OWN_DESTROY](error) as Batched;
}

function sizeOf(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return (chunk as { byteLength?: number }).byteLength ?? 0;
}
