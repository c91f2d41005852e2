import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CLIENT_COMMANDS, SERVER_COMMANDS, StompCodecError, StompDecoder, createMessageTemplate, encodeFrame, frame,
  type StompFrame, type StompVersion,
} from './index';
import { CLIENT_GOLDEN, SERVER_GOLDEN } from './golden-frames.fixture';

const RUNS = { numRuns: 300 };

/** Characters that stress escaping and framing, mixed with any code point. */
const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(':', '\n', '\r', '\\', '\0', 'n', 'c', 'r', 't') },
  { weight: 5, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const text = (minLength: number) => fc.string({ unit, minLength, maxLength: 12 });

const ESCAPED_COMMANDS = [...CLIENT_COMMANDS, ...SERVER_COMMANDS].filter((c) => !['CONNECT', 'STOMP', 'CONNECTED'].includes(c));

/** Unique names (the decoder keeps the first of repeats), never content-length (the encoder owns it). */
function framesFor(version: '1.1' | '1.2'): fc.Arbitrary<StompFrame> {
  // 1.1 cannot carry a value ending in CR (see stomp-encoder.ts).
  const value = version === '1.1' ? text(0).filter((v) => !v.endsWith('\r')) : text(0);
  return fc.record({
    command: fc.constantFrom(...ESCAPED_COMMANDS),
    headers: fc.uniqueArray(fc.tuple(text(1).filter((n) => n !== 'content-length'), value), { selector: (h) => h[0], maxLength: 8 }),
    body: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  }).map(({ command, headers, body }) => frame(command, headers, body));
}

/** Cuts a buffer at the given fractions of its length. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

function withLength(f: StompFrame): [string, string][] {
  const headers = [...f.headers];
  if (f.body.length > 0) headers.push(['content-length', String(f.body.length)]);
  return headers;
}

/** Frames or the error code: what a caller can observe. */
function outcome(decoder: StompDecoder, chunks: Buffer[]): unknown {
  const frames: unknown[] = [];
  try {
    for (const chunk of chunks) {
      for (const f of decoder.push(chunk)) frames.push([f.command, [...f.headers], f.body.toString('hex')]);
    }
  } catch (error) {
    if (!(error instanceof StompCodecError)) throw error;
    return { frames, error: error.code };
  }
  return { frames, heartbeats: decoder.heartbeats, buffered: decoder.bufferedBytes };
}

describe('codec properties', () => {
  for (const version of ['1.1', '1.2'] as const) {
    it(`decode(split(encode(f))) = f for STOMP ${version}, several frames per stream`, () => {
      fc.assert(fc.property(fc.array(framesFor(version), { minLength: 1, maxLength: 4 }), cuts, (frames, at) => {
        const wire = Buffer.concat(frames.flatMap((f) => [encodeFrame(f, version), Buffer.from('\n')]));
        const decoder = new StompDecoder({}, { commands: 'any' });
        decoder.version = version;
        const decoded = split(wire, at).flatMap((chunk) => decoder.push(chunk));
        assert.deepEqual(
          decoded.map((f) => [f.command, [...f.headers], f.body.toString('hex')]),
          frames.map((f) => [f.command, withLength(f), f.body.toString('hex')]),
        );
        assert.equal(decoder.heartbeats, frames.length);
        assert.equal(decoder.bufferedBytes, 0);
      }), RUNS);
    });
  }

  it('round-trips unescaped frames (CONNECT, CONNECTED, and any frame in 1.0) whose headers are representable', () => {
    const safe = fc.string({ unit: fc.oneof(fc.constantFrom('\\', '\r', 'a', ' '), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 10 })
      .filter((s) => !s.includes('\n') && !s.endsWith('\r'));
    const arb = fc.record({
      command: fc.constantFrom('CONNECT', 'STOMP', 'CONNECTED', 'SEND', 'MESSAGE'),
      headers: fc.uniqueArray(fc.tuple(safe.filter((n) => n.length > 0 && !n.includes(':') && n !== 'content-length'), safe), { selector: (h) => h[0], maxLength: 6 }),
      body: fc.uint8Array({ maxLength: 32 }).map((b) => Buffer.from(b)),
      version: fc.constantFrom<StompVersion>('1.0', '1.1', '1.2'),
    });
    fc.assert(fc.property(arb, cuts, ({ command, headers, body, version }, at) => {
      const f = frame(command, headers, body);
      if (version !== '1.0' && !['CONNECT', 'STOMP', 'CONNECTED'].includes(command)) return;
      const decoder = new StompDecoder({}, { commands: 'any' });
      decoder.version = version;
      const decoded = split(encodeFrame(f, version), at).flatMap((chunk) => decoder.push(chunk));
      assert.deepEqual(decoded.map((d) => [d.command, [...d.headers], d.body.toString('hex')]), [[command, withLength(f), body.toString('hex')]]);
    }), RUNS);
  });

  it('template render equals encodeFrame of the equivalent MESSAGE', () => {
    const arb = fc.record({
      // Unique names: the equivalent frame is a Map, which cannot hold repeats.
      headers: fc.uniqueArray(fc.tuple(text(1), text(0)), { selector: (h) => h[0], maxLength: 6 }),
      body: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
      version: fc.constantFrom<'1.1' | '1.2'>('1.1', '1.2'),
      subscription: text(0),
      messageId: text(0),
      ack: fc.option(text(0), { nil: undefined }),
    });
    fc.assert(fc.property(arb, ({ headers, body, version, subscription, messageId, ack }) => {
      const rendered = createMessageTemplate(headers, body, version).render(subscription, messageId, ack);
      const perSubscriber: [string, string][] = [['subscription', subscription], ['message-id', messageId]];
      if (ack !== undefined) perSubscriber.push(['ack', ack]);
      const shared = headers.filter(([name]) => !['subscription', 'message-id', 'ack'].includes(name));
      assert.deepEqual(rendered, encodeFrame(frame('MESSAGE', [...perSubscriber, ...shared], body), version));
    }), RUNS);
  });

  /** Garbage biased toward STOMP: random bytes, fragments of real frames, framing bytes. */
  const goldenBytes = [...CLIENT_GOLDEN, ...SERVER_GOLDEN].map((g) => g.wire);
  const piece = fc.oneof(
    fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)),
    fc.constantFrom(...goldenBytes),
    fc.tuple(fc.constantFrom(...goldenBytes), fc.nat(), fc.nat()).map(([g, a, b]) => g.subarray(Math.min(a, b) % (g.length + 1), Math.max(a, b) % (g.length + 1))),
    fc.constantFrom('\n', '\r\n', '\0', ':', '\\', 'content-length:', 'content-length:99999999\n', 'SEND\n', '\n\n').map((s) => Buffer.from(s)),
  );
  const garbage = fc.array(piece, { maxLength: 12 }).map((pieces) => Buffer.concat(pieces));

  it('arbitrary bytes never throw anything but StompCodecError, and chunking never changes the outcome', () => {
    fc.assert(fc.property(garbage, cuts, fc.constantFrom<StompVersion>('1.0', '1.1', '1.2'), (bytes, at, version) => {
      const limits = { maxFrameBytes: 256, maxHeaders: 4, maxHeaderBytes: 48 };
      const whole = new StompDecoder(limits, { commands: 'any' });
      const pieces = new StompDecoder(limits, { commands: 'any' });
      whole.version = version;
      pieces.version = version;
      const a = outcome(whole, [bytes]) as { error?: string; frames: unknown[] };
      const b = outcome(pieces, split(bytes, at)) as { error?: string; frames: unknown[] };
      // A push that throws returns no frames, so only the error and the frames of error-free runs compare.
      assert.equal(b.error, a.error);
      if (a.error === undefined) assert.deepEqual(b, a);
    }), { numRuns: 1000 });
  });
});
