import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePayload, encodePayload } from './bench-payload';
import { connectFrame, encodeFrame, FrameFormatError, FrameReader, sendFrame, subscribeFrame } from './stomp-wire';

describe('bench stomp-wire: client frames', () => {
  it('CONNECT carries accept-version, host and heart-beat', () => {
    assert.equal(connectFrame('127.0.0.1', 10_000).toString(),
      'CONNECT\naccept-version:1.2\nhost:127.0.0.1\nheart-beat:10000,10000\n\n\0');
  });

  it('SUBSCRIBE carries id, destination and the receipt', () => {
    assert.equal(subscribeFrame('sub-0', '/topic/bench', 'r1').toString(),
      'SUBSCRIBE\nid:sub-0\ndestination:/topic/bench\nack:auto\nreceipt:r1\n\n\0');
  });

  it('SEND carries content-type and a byte-exact content-length', () => {
    assert.equal(sendFrame('/topic/a', 'héllo').toString(),
      'SEND\ndestination:/topic/a\ncontent-type:text/plain\ncontent-length:6\n\nhéllo\0');
  });

  it('escapes header values the STOMP 1.2 way', () => {
    assert.equal(encodeFrame('SEND', { destination: 'a:b\nc\\' }).toString(), 'SEND\ndestination:a\\cb\\nc\\\\\n\n\0');
  });
});

describe('bench stomp-wire: FrameReader', () => {
  const message = 'MESSAGE\ndestination:/topic/a\nsubscription:sub-0\nmessage-id:1\ncontent-length:5\n\nhe\0lo\0';

  it('reads frames merged into one chunk and counts heart-beats between them', () => {
    const reader = new FrameReader();
    const frames = reader.push(Buffer.from(`\n${message}\r\nRECEIPT\nreceipt-id:x\n\n\0\n`));
    assert.deepEqual(frames.map((f) => f.command), ['MESSAGE', 'RECEIPT']);
    assert.equal(frames[0].body.toString(), 'he\0lo', 'content-length allows a NUL in the body');
    assert.equal(frames[1].header('receipt-id'), 'x');
    assert.equal(reader.heartbeats, 3);
  });

  it('decodes the same frames at every split point', () => {
    const whole = Buffer.from(message + 'ERROR\nmessage:bad\\cthing\n\noops\0');
    for (let cut = 1; cut < whole.length; cut++) {
      const reader = new FrameReader();
      const frames = [...reader.push(whole.subarray(0, cut)), ...reader.push(whole.subarray(cut))];
      assert.deepEqual(frames.map((f) => f.command), ['MESSAGE', 'ERROR'], `cut at ${cut}`);
      assert.equal(frames[1].header('message'), 'bad:thing');
      assert.equal(frames[1].body.toString(), 'oops');
    }
  });

  it('reads CRLF line endings and leaves CONNECTED headers unescaped', () => {
    const [f] = new FrameReader().push(Buffer.from('CONNECTED\r\nversion:1.2\r\nserver:a\\cb\r\n\r\n\0'));
    assert.equal(f.command, 'CONNECTED');
    assert.equal(f.header('version'), '1.2');
    assert.equal(f.header('server'), 'a\\cb');
  });

  it('rejects garbage with a FrameFormatError', () => {
    assert.throws(() => new FrameReader().push(Buffer.from('hello there\n\n\0')), FrameFormatError);
    assert.throws(() => new FrameReader().push(Buffer.from('MESSAGE\ncontent-length:2\n\nabc\0')), FrameFormatError);
  });
});

describe('bench payload', () => {
  it('round-trips the phase and the send time and pads to the requested size', () => {
    const body = encodePayload(12, 1_700_000_000_123.456, 128);
    assert.equal(body.length, 128);
    assert.deepEqual(decodePayload(body), { phase: 12, sentAt: 1_700_000_000_123.456 });
  });

  it('returns null for a body that is not a bench payload', () => {
    assert.equal(decodePayload(Buffer.from('{"from":"a","text":"b"}')), null);
    assert.equal(decodePayload(Buffer.alloc(0)), null);
  });
});
