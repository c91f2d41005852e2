// #15 item 4: the client library's pure parts: the event-stream parser it reads SSE with (in Node and
// browsers alike), and the defensive reading of what arrives off the wire.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from '../../libs/chat-client/src/links/sse-reader';
import { toChatMessages, toRoomEvent } from '../../libs/chat-client/src/wire';

describe('#15 the SSE parser', () => {
  it('reads events split anywhere across chunks, with any line ending', () => {
    const stream = 'retry: 2000\r\n\r\nid: 42\r\nevent: message\r\ndata: {"id":42}\r\n\r\n: heart-beat\n\nevent: typing\ndata: {"a":\ndata: 1}\r\r';
    for (let size = 1; size <= stream.length; size++) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < stream.length; i += size) events.push(...parser.push(stream.slice(i, i + size)));
      assert.deepEqual(events, [
        { event: 'message', data: '{"id":42}', id: '42' },
        { event: 'typing', data: '{"a":\n1}', id: '42' },
      ], `chunks of ${size}`);
    }
  });

  it('refuses a line without end rather than buffer without bound', () => {
    const parser = new SseParser();
    assert.throws(() => {
      for (let i = 0; i < 20; i++) parser.push('x'.repeat(100_000));
    }, /too long/);
  });
});

describe('#15 what arrives off the wire', () => {
  it('keeps only well-formed messages, with edits and tombstones', () => {
    const good = { id: 3, room: 'r', from: 'ann', text: 'hi', sentAt: 's', time: 't' };
    assert.deepEqual(toChatMessages([good, { id: 'x' }, null, { ...good, id: 4, editedAt: 'e' }, { ...good, id: 5, text: '', deleted: true }]), [
      good,
      { ...good, id: 4, editedAt: 'e' },
      { ...good, id: 5, text: '', deleted: true },
    ]);
    assert.deepEqual(toChatMessages({ ...good, id: 1.5 }), []);
  });

  it('types room events, fills in the room, drops unknown and malformed ones', () => {
    assert.deepEqual(toRoomEvent({ type: 'typing', user: 'ann', typing: true, at: 'a' }, 'r'), { type: 'typing', room: 'r', user: 'ann', typing: true, at: 'a' });
    assert.deepEqual(toRoomEvent({ type: 'edit', message: { id: 1, room: 'q', from: 'a', text: 't' } })?.room, 'q');
    assert.deepEqual(toRoomEvent({ type: 'presence', room: 'r', users: [{ user: 'a', since: 's' }, { nope: 1 }] }), {
      type: 'presence', room: 'r', users: [{ user: 'a', since: 's' }],
    });
    assert.equal(toRoomEvent({ type: 'typing', user: 'ann' }, 'r'), undefined);
    assert.equal(toRoomEvent({ type: 'read', user: 'ann', lastReadId: -1 }, 'r'), undefined);
    assert.equal(toRoomEvent({ type: 'future-thing' }, 'r'), undefined);
    assert.equal(toRoomEvent('join', 'r'), undefined);
  });
});
