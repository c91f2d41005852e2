import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StompCodecError, StompDecoder } from './index';
import { codeOf } from './codec-error.fixture';

/** Pushes `total` bytes of `fill` in 1 KiB chunks; returns the error code and the most the decoder held. */
function pushGiantBody(decoder: StompDecoder, total: number): { code: string; maxHeld: number; pushed: number } {
  const chunk = Buffer.alloc(1024, 0x61);
  let maxHeld = decoder.bufferedBytes;
  let pushed = 0;
  const code = codeOf(() => {
    while (pushed < total) {
      decoder.push(chunk);
      pushed += chunk.length;
      maxHeld = Math.max(maxHeld, decoder.bufferedBytes);
    }
  });
  return { code, maxHeld, pushed };
}

describe('StompDecoder limits', () => {
  const limits = { maxFrameBytes: 4096, maxHeaders: 5, maxHeaderBytes: 64 };

  it('accepts a frame of exactly maxFrameBytes and refuses one byte more', () => {
    const head = 'SEND\ndestination:/q\n\n';
    const body = 'x'.repeat(4096 - head.length - 1);
    assert.equal(new StompDecoder(limits).push(`${head}${body}\0`).length, 1);
    assert.equal(codeOf(() => new StompDecoder(limits).push(`${head}${body}x\0`)), 'frame-too-large');
    const counted = (n: number) => `SEND\ncontent-length:${n}\n\n`;
    const fits = 4096 - counted(4000).length - 1;
    assert.equal(new StompDecoder(limits).push(`${counted(fits)}${'y'.repeat(fits)}\0`).length, 1);
    assert.equal(codeOf(() => new StompDecoder(limits).push(counted(fits + 1))), 'frame-too-large');
  });

  it('refuses an oversized body without content-length while holding at most maxFrameBytes', () => {
    const decoder = new StompDecoder(limits);
    decoder.push('SEND\ndestination:/q\n\n');
    const { code, maxHeld, pushed } = pushGiantBody(decoder, 10 * 1024 * 1024);
    assert.equal(code, 'frame-too-large');
    assert.ok(maxHeld <= limits.maxFrameBytes, `held ${maxHeld}`);
    assert.ok(pushed <= limits.maxFrameBytes + 1024, `refused only after ${pushed} bytes`);
  });

  it('refuses an oversized content-length when the header ends, before any body arrives', () => {
    const decoder = new StompDecoder(limits);
    assert.equal(codeOf(() => decoder.push('SEND\ndestination:/q\ncontent-length:10485760\n\n')), 'frame-too-large');
    assert.equal(decoder.bufferedBytes, 0);
    assert.equal(codeOf(() => new StompDecoder(limits).push('SEND\ncontent-length:99999999999999999999999\n\n')), 'frame-too-large');
  });

  it('holds a counted body up to its length only', () => {
    const decoder = new StompDecoder({ maxFrameBytes: 1 << 20 });
    decoder.push('SEND\ndestination:/q\ncontent-length:65536\n\n');
    const { code, maxHeld } = pushGiantBody(decoder, 1 << 20);
    assert.equal(code, 'missing-null-terminator');
    assert.ok(maxHeld <= 65536, `held ${maxHeld}`);
  });

  it('refuses an endless header line at maxHeaderBytes, before its end arrives', () => {
    const decoder = new StompDecoder(limits);
    decoder.push('SEND\nx:');
    const { code, maxHeld } = pushGiantBody(decoder, 1 << 20);
    assert.equal(code, 'header-too-long');
    assert.ok(maxHeld <= 65, `held ${maxHeld}`);
  });

  it('allows a header line of exactly maxHeaderBytes, with or without \\r', () => {
    const line = `x:${'v'.repeat(62)}`;
    assert.equal(new StompDecoder(limits).push(`SEND\n${line}\n\n\0`).length, 1);
    assert.equal(new StompDecoder(limits).push(`SEND\r\n${line}\r\n\r\n\0`).length, 1);
    assert.equal(codeOf(() => new StompDecoder(limits).push(`SEND\n${line}v\n\n\0`)), 'header-too-long');
  });

  it('refuses a head that never ends once it passes maxFrameBytes', () => {
    const decoder = new StompDecoder({ ...limits, maxHeaders: 1000 });
    decoder.push('SEND\n');
    let code = '';
    let held = 0;
    code = codeOf(() => {
      for (let i = 0; i < 10_000; i++) {
        decoder.push(`h${i}:${'v'.repeat(40)}\n`);
        held = Math.max(held, decoder.bufferedBytes);
      }
    });
    assert.equal(code, 'frame-too-large');
    assert.ok(held <= 64);
  });

  it('reports a long header line the same way whether it arrives whole or in pieces', () => {
    // Found by the fuzzer: whole, the line used to hit frame-too-large first.
    const small = { maxFrameBytes: 100, maxHeaders: 5, maxHeaderBytes: 40 };
    const wire = Buffer.from(`SEND\nx:${'v'.repeat(200)}\n\n\0`);
    assert.equal(codeOf(() => new StompDecoder(small).push(wire)), 'header-too-long');
    const pieces = new StompDecoder(small);
    assert.equal(codeOf(() => { for (const b of wire) pieces.push(Buffer.from([b])); }), 'header-too-long');
  });

  it('allows maxHeaders headers and refuses one more, repeated ones included', () => {
    const headers = (n: number) => Array.from({ length: n }, () => 'a:b\n').join('');
    assert.equal(new StompDecoder(limits).push(`SEND\n${headers(5)}\n\0`).length, 1);
    assert.equal(codeOf(() => new StompDecoder(limits).push(`SEND\n${headers(6)}\n\0`)), 'too-many-headers');
  });

  it('refuses a content-length that is not a non-negative integer', () => {
    for (const value of ['', '-1', '1.5', ' 3', '3 ', '0x10', 'abc', '+2', '1e3']) {
      const code = codeOf(() => new StompDecoder().push(`SEND\ncontent-length:${value}\n\nabc\0`));
      assert.equal(code, 'bad-content-length', JSON.stringify(value));
    }
  });

  it('refuses a counted body whose next byte is not NUL, even in a later push', () => {
    assert.equal(codeOf(() => new StompDecoder().push('SEND\ncontent-length:2\n\nabc\0')), 'missing-null-terminator');
    const decoder = new StompDecoder();
    assert.deepEqual(decoder.push('SEND\ncontent-length:2\n\nab'), []);
    assert.equal(codeOf(() => decoder.push('c\0')), 'missing-null-terminator');
  });

  it('uses the default limits of the contract (64 KiB, 100 headers, 8 KiB lines)', () => {
    const decoder = new StompDecoder();
    assert.equal(codeOf(() => decoder.push(`SEND\ncontent-length:${64 * 1024}\n\n`)), 'frame-too-large');
    assert.equal(new StompDecoder().push(`SEND\n${'a:b\n'.repeat(100)}\n\0`).length, 1);
    assert.equal(codeOf(() => new StompDecoder().push(`SEND\n${'a:b\n'.repeat(101)}\n\0`)), 'too-many-headers');
    assert.equal(codeOf(() => new StompDecoder().push(`SEND\nx:${'v'.repeat(8 * 1024)}\n`)), 'header-too-long');
  });

  it('gives every error a one-sentence message', () => {
    const inputs = ['BOGUS\n', 'SEND\nx\n', 'SEND\ncontent-length:z\n\n', 'SEND\nk:\\q\n'];
    for (const input of inputs) {
      try {
        new StompDecoder().push(input);
        assert.fail('no error');
      } catch (error) {
        assert.ok(error instanceof StompCodecError);
        assert.match(error.message, /^[A-Z][^\n]*\.$/);
      }
    }
  });
});
