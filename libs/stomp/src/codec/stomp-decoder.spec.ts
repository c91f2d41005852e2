import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StompDecoder, type StompFrame } from './index';
import { codeOf } from './codec-error.fixture';
import { CLIENT_GOLDEN, SERVER_GOLDEN, expected, plain, type GoldenFrame } from './golden-frames.fixture';

function decode(chunks: (Buffer | string)[], decoder = new StompDecoder({}, { commands: 'any' })): StompFrame[] {
  return chunks.flatMap((c) => decoder.push(c));
}

const ALL_GOLDEN: GoldenFrame[] = [...CLIENT_GOLDEN, ...SERVER_GOLDEN];

describe('StompDecoder golden frames', () => {
  for (const g of ALL_GOLDEN) {
    it(`${g.name}: whole, split at every byte offset, and byte by byte`, () => {
      assert.deepEqual(decode([g.wire]).map(plain), [expected(g)]);
      for (let at = 0; at <= g.wire.length; at++) {
        const frames = decode([g.wire.subarray(0, at), g.wire.subarray(at)]);
        assert.deepEqual(frames.map(plain), [expected(g)], `split at ${at}`);
      }
      const bytes = [...g.wire].map((b) => Buffer.from([b]));
      assert.deepEqual(decode(bytes).map(plain), [expected(g)]);
    });
  }

  it('decodes all golden frames merged in one push, with heart-beats between them', () => {
    const eols = ['\n', '\r\n', '\n\n', '\r\n\n'];
    const parts: Buffer[] = [];
    let eolCount = 0;
    ALL_GOLDEN.forEach((g, i) => {
      parts.push(g.wire);
      const eol = eols[i % eols.length];
      parts.push(Buffer.from(eol));
      eolCount += eol.split('\n').length - 1;
    });
    const stream = Buffer.concat([Buffer.from('\n\r\n'), ...parts]);
    const decoder = new StompDecoder({}, { commands: 'any' });
    assert.deepEqual(decoder.push(stream).map(plain), ALL_GOLDEN.map(expected));
    assert.equal(decoder.heartbeats, eolCount + 2);

    for (let at = 0; at <= stream.length; at++) {
      const split = new StompDecoder({}, { commands: 'any' });
      const frames = decode([stream.subarray(0, at), stream.subarray(at)], split);
      assert.deepEqual(frames.map(plain), ALL_GOLDEN.map(expected), `split at ${at}`);
      assert.equal(split.heartbeats, eolCount + 2, `heart-beats, split at ${at}`);
    }
  });

  it('returns only the frames a chunk completes, in order', () => {
    const [a, b] = [CLIENT_GOLDEN[4], CLIENT_GOLDEN[5]];
    const decoder = new StompDecoder();
    const stream = Buffer.concat([a.wire, b.wire]);
    assert.deepEqual(decoder.push(stream.subarray(0, a.wire.length - 1)), []);
    assert.deepEqual(decoder.push(stream.subarray(a.wire.length - 1, a.wire.length + 3)).map(plain), [expected(a)]);
    assert.deepEqual(decoder.push(stream.subarray(a.wire.length + 3)).map(plain), [expected(b)]);
  });

  it('accepts string chunks and a multi-byte character split across Buffer chunks', () => {
    const wire = Buffer.from('SEND\ndestination:/topic/\u20ac\n\n\u20ac\0');
    const euro = wire.indexOf(0xe2);
    const frames = decode([wire.subarray(0, euro + 1), wire.subarray(euro + 1, euro + 2), wire.subarray(euro + 2)]);
    assert.equal(frames[0].headers.get('destination'), '/topic/\u20ac');
    assert.equal(frames[0].body.toString(), '\u20ac');
    assert.equal(decode(['SEND\ndestination:/q/\u20ac\n\n\u20ac\0'])[0].headers.get('destination'), '/q/\u20ac');
  });

  it('counts a heart-beat whose \\r\\n is split across pushes once', () => {
    const decoder = new StompDecoder();
    decoder.push('\r');
    decoder.push('\n');
    decoder.push('\n');
    assert.equal(decoder.heartbeats, 2);
    assert.equal(decoder.push('DISCONNECT\n\n\0').length, 1);
  });

  it('keeps NUL octets inside a content-length body and ends a body without one at the first NUL', () => {
    const withLength = decode([Buffer.from('SEND\ndestination:/q\ncontent-length:3\n\n\0\0\0\0')]);
    assert.equal(withLength[0].body.toString('hex'), '000000');
    const withoutLength = decode(['SEND\ndestination:/q\n\nab\0cd\0']);
    assert.equal(withoutLength.length, 1);
    assert.equal(withoutLength[0].body.toString(), 'ab');
  });

  it('does not alias the pushed chunk in the returned body', () => {
    const chunk = Buffer.from('SEND\ndestination:/q\ncontent-length:2\n\nhi\0');
    const [frame] = decode([chunk]);
    chunk.fill(0x41);
    assert.equal(frame.body.toString(), 'hi');
  });

  it('keeps the first value of a repeated header', () => {
    const [frame] = decode(['SEND\ndestination:/a\ndestination:/b\nx:1\nx:2\n\n\0']);
    assert.deepEqual([...frame.headers], [['destination', '/a'], ['x', '1']]);
  });

  it('treats hostile header names as plain data', () => {
    const [frame] = decode(['SEND\n__proto__:polluted\nconstructor:c\nhasOwnProperty:h\ndestination:/q\n\n\0']);
    assert.equal(frame.headers.get('__proto__'), 'polluted');
    assert.equal(frame.headers.get('constructor'), 'c');
    assert.equal(frame.headers.size, 4);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(frame.headers), Map.prototype);
  });

  it('keeps colons in values and does not trim white space', () => {
    const [frame] = decode(['SEND\ndestination:/q\nx: a:b \n\n\0']);
    assert.equal(frame.headers.get('x'), ' a:b ');
  });
});

describe('StompDecoder commands', () => {
  it('refuses server commands in client mode and client commands in server mode', () => {
    assert.equal(codeOf(() => new StompDecoder().push('MESSAGE\n\n\0')), 'unknown-command');
    assert.equal(codeOf(() => new StompDecoder({}, { commands: 'server' }).push('SEND\n\n\0')), 'unknown-command');
    assert.equal(new StompDecoder({}, { commands: 'server' }).push('RECEIPT\nreceipt-id:1\n\n\0').length, 1);
  });

  it('requires the command line to be exactly a command', () => {
    for (const line of ['send', ' SEND', 'SEND ', 'SENDX', 'HELLO', 'SEND\r\r']) {
      assert.equal(codeOf(() => new StompDecoder().push(`${line}\n\n\0`)), 'unknown-command', JSON.stringify(line));
    }
  });

  it('refuses a long unknown command before its line ends', () => {
    const decoder = new StompDecoder();
    assert.equal(codeOf(() => decoder.push('X'.repeat(100))), 'unknown-command');
  });

  it('refuses an empty command', () => {
    assert.equal(codeOf(() => new StompDecoder().push('\0\n')), 'empty-command');
    assert.equal(codeOf(() => new StompDecoder().push('   \n\n\0')), 'empty-command');
  });

  it('refuses header lines without a colon or with an empty name', () => {
    assert.equal(codeOf(() => new StompDecoder().push('SEND\nnocolon\n\n\0')), 'malformed-header');
    assert.equal(codeOf(() => new StompDecoder().push('SEND\n:value\n\n\0')), 'malformed-header');
  });

  it('keeps refusing input after an error', () => {
    const decoder = new StompDecoder();
    assert.equal(codeOf(() => decoder.push('BOGUS\n\n\0')), 'unknown-command');
    assert.equal(codeOf(() => decoder.push('DISCONNECT\n\n\0')), 'unknown-command');
    assert.equal(decoder.bufferedBytes, 0);
  });
});

describe('StompDecoder header escapes', () => {
  const wire = 'SEND\ndestination:/q\nk\\cey:a\\nb\\\\n\\r\\\\\n\n\0';

  it('unescapes in one pass for 1.2 (\\\\n is a backslash and n)', () => {
    const [frame] = decode([wire]);
    assert.equal(frame.headers.get('k:ey'), 'a\nb\\n\r\\');
  });

  it('refuses \\r in 1.1, where it is not defined', () => {
    const decoder = new StompDecoder();
    decoder.version = '1.1';
    assert.equal(codeOf(() => decoder.push(wire)), 'bad-escape');
    const ok = new StompDecoder();
    ok.version = '1.1';
    assert.equal(ok.push('SEND\nk:a\\nb\\\\n\\c\n\n\0')[0].headers.get('k'), 'a\nb\\n:');
  });

  it('does not unescape in 1.0, nor CONNECT, STOMP or CONNECTED frames', () => {
    const v10 = new StompDecoder();
    v10.version = '1.0';
    assert.equal(v10.push('SEND\nk:a\\nb\\q\n\n\0')[0].headers.get('k'), 'a\\nb\\q');
    const any = new StompDecoder({}, { commands: 'any' });
    for (const command of ['CONNECT', 'STOMP', 'CONNECTED']) {
      assert.equal(any.push(`${command}\nlogin:a\\cb\\x\n\n\0`)[0].headers.get('login'), 'a\\cb\\x', command);
    }
  });

  it('refuses undefined escapes and a trailing backslash', () => {
    for (const value of ['\\t', '\\x', 'abc\\', '\\C', '\\\\\\']) {
      assert.equal(codeOf(() => new StompDecoder().push(`SEND\nk:${value}\n\n\0`)), 'bad-escape', value);
    }
    assert.equal(codeOf(() => new StompDecoder().push('SEND\nk\\t:v\n\n\0')), 'bad-escape');
  });
});
