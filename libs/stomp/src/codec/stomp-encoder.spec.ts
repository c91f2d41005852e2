import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StompDecoder, encodeFrame, frame } from './index';
import { codeOf } from './codec-error.fixture';
import { CLIENT_GOLDEN, SERVER_GOLDEN } from './golden-frames.fixture';

const str = (b: Buffer) => b.toString('latin1');

describe('encodeFrame', () => {
  it('writes golden bytes for frames in canonical form', () => {
    const canonical = [...CLIENT_GOLDEN, ...SERVER_GOLDEN].filter((g) => !g.wire.includes('\r\n'));
    assert.ok(canonical.length >= 12);
    for (const g of canonical) {
      const encoded = encodeFrame(frame(g.command, g.headers, Buffer.from(g.bodyHex, 'hex')), '1.2');
      const hasLength = g.headers.some(([name]) => name === 'content-length') || g.bodyHex === '';
      if (hasLength) assert.equal(encoded.toString('hex'), g.wire.toString('hex'), g.name);
    }
  });

  it('adds content-length for a non-empty body, last, and not for an empty one', () => {
    assert.equal(str(encodeFrame(frame('SEND', { destination: '/q' }, 'a\0b'), '1.2')), 'SEND\ndestination:/q\ncontent-length:3\n\na\0b\0');
    assert.equal(str(encodeFrame(frame('RECEIPT', { 'receipt-id': '1' }), '1.2')), 'RECEIPT\nreceipt-id:1\n\n\0');
  });

  it('rewrites a wrong content-length in place with the real length', () => {
    const encoded = encodeFrame(frame('SEND', [['content-length', '1'], ['destination', '/q'], ['content-length', '9']], 'abc'), '1.2');
    assert.equal(str(encoded), 'SEND\ncontent-length:3\ndestination:/q\n\nabc\0');
  });

  it('escapes names and values per version', () => {
    const f = frame('MESSAGE', [['a:b\\c', 'x\ny\rz:\\']]);
    assert.equal(str(encodeFrame(f, '1.2')), 'MESSAGE\na\\cb\\\\c:x\\ny\\rz\\c\\\\\n\n\0');
    // 1.1 has no \r escape: CR is kept raw.
    assert.equal(str(encodeFrame(f, '1.1')), 'MESSAGE\na\\cb\\\\c:x\\ny\rz\\c\\\\\n\n\0');
  });

  it('never escapes CONNECT or CONNECTED, nor anything in 1.0', () => {
    assert.equal(str(encodeFrame(frame('CONNECTED', { session: 'a:b\\c' }), '1.2')), 'CONNECTED\nsession:a:b\\c\n\n\0');
    assert.equal(str(encodeFrame(frame('CONNECT', { passcode: 'p\\w:d' }), '1.2')), 'CONNECT\npasscode:p\\w:d\n\n\0');
    assert.equal(str(encodeFrame(frame('MESSAGE', { v: 'a:b\\c\r' }), '1.0')), 'MESSAGE\nv:a:b\\c\r\n\n\0');
  });

  it('refuses headers that would change the frame structure when they cannot be escaped', () => {
    assert.equal(codeOf(() => encodeFrame(frame('MESSAGE', { v: 'a\ndestination:/x' }), '1.0')), 'unencodable-header');
    assert.equal(codeOf(() => encodeFrame(frame('MESSAGE', { 'a:b': 'v' }), '1.0')), 'unencodable-header');
    assert.equal(codeOf(() => encodeFrame(frame('CONNECTED', { v: 'a\nb' }), '1.2')), 'unencodable-header');
    assert.equal(codeOf(() => encodeFrame(frame('MESSAGE', { '': 'v' }), '1.2')), 'unencodable-header');
    assert.equal(codeOf(() => encodeFrame(frame('SEND\nX', {}), '1.2')), 'unencodable-header');
  });

  it('round-trips escaped headers through the decoder for 1.1 and 1.2', () => {
    const headers: [string, string][] = [['we:ird\\\nname', 'v\\n:\\\\n\nend'], ['__proto__', 'x'], ['mid', 'a\rb']];
    for (const version of ['1.1', '1.2'] as const) {
      const decoder = new StompDecoder({}, { commands: 'any' });
      decoder.version = version;
      const [decoded] = decoder.push(encodeFrame(frame('MESSAGE', headers, 'body'), version));
      assert.deepEqual([...decoded.headers], [...headers, ['content-length', '4']], version);
    }
  });
});
