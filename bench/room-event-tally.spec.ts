import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodePayload } from './bench-payload';
import { readRoomEvent, RoomEventTally } from './room-event-tally';

const at = '2030-01-02T03:04:05.678Z';
const body = (event: object): Buffer => Buffer.from(JSON.stringify(event));

describe('room events as the load generator counts them', () => {
  it('reads the kind and the server\'s "at" of the chat\'s room events, as the server writes them', () => {
    assert.deepEqual(readRoomEvent(body({ type: 'join', room: 'r', user: 'ann', at })), { kind: 'join', at: Date.parse(at) });
    assert.deepEqual(readRoomEvent(body({ type: 'leave', room: 'r', user: 'ann', at })), { kind: 'leave', at: Date.parse(at) });
    assert.deepEqual(readRoomEvent(body({ type: 'typing', room: 'r', user: 'ann', typing: true, at })), { kind: 'typing', at: Date.parse(at) });
    assert.deepEqual(readRoomEvent(body({ type: 'typing', room: 'r', user: 'ann', typing: false, at })), { kind: 'typing-stop', at: Date.parse(at) });
    const read = readRoomEvent(body({ type: 'read', room: 'r', user: 'ann', lastReadId: 3 }));
    assert.equal(read?.kind, 'other');
    assert.ok(Number.isNaN(read?.at));
  });

  it('is no room event: a bench payload, a stored chat message, a truncated body', () => {
    assert.equal(readRoomEvent(encodePayload(1, 2.5, 64)), null);
    assert.equal(readRoomEvent(body({ id: 1, room: 'r', from: 'ann', text: '{"type":"join"' })), null);
    assert.equal(readRoomEvent(Buffer.from('{"type":"jo')), null);
    assert.equal(readRoomEvent(Buffer.alloc(0)), null);
  });

  it('counts by kind with the latency from "at" to the receipt', () => {
    const tally = new RoomEventTally();
    const join = readRoomEvent(body({ type: 'join', room: 'r', user: 'ann', at }))!;
    tally.record(join, Date.parse(at) + 12);
    tally.record(join, Date.parse(at) + 30);
    const out = tally.snapshot();
    assert.deepEqual(Object.keys(out), ['join']);
    assert.equal(out.join!.received, 2);
    assert.equal(out.join!.lastReceiveAt, Date.parse(at) + 30);
    assert.equal(out.join!.histogram.reduce((n, [, c]) => n + c, 0), 2);
  });
});
