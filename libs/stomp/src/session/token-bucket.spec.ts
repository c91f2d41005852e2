// #11 item 4: one token bucket rule for every door (STOMP, plain WebSocket, REST per address).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from './token-bucket';
import { AddressRateLimiter } from '../transport/address-rate-limiter';

describe('#11 TokenBucket, the one rate rule', () => {
  it('holds burst tokens, refills at the rate, and rate 0 is off', () => {
    const b = new TokenBucket(2, 3, 0);
    assert.deepEqual([b.take(0), b.take(0), b.take(0), b.take(0)], [true, true, true, false]);
    assert.equal(b.take(400), false, '0.8 tokens after 400 ms');
    assert.equal(b.take(500), true, 'one token after 500 ms');
    const off = new TokenBucket(0, 0, 0);
    for (let i = 0; i < 1000; i++) assert.equal(off.take(0), true);
  });

  it('a burst of 0 still lets the rate through (capacity 1), on every door alike', () => {
    const b = new TokenBucket(1, 0, 0);
    assert.equal(b.take(0), true);
    assert.equal(b.take(10), false);
    assert.equal(b.take(1000), true);
    const rest = new AddressRateLimiter(1, 0);
    assert.equal(rest.take('10.0.0.1', 0), true);
    assert.equal(rest.take('10.0.0.1', 10), false);
    assert.equal(rest.take('10.0.0.1', 1000), true);
  });

  it('tells when it has refilled (so a table of them can forget it)', () => {
    const b = new TokenBucket(10, 5, 0);
    b.take(0);
    assert.equal(b.isFull(0), false);
    assert.equal(b.isFull(100), true);
  });
});
