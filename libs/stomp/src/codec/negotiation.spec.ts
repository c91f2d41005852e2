import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HEARTBEAT_EOL, StompCodecError, negotiateHeartbeat, negotiateVersion } from './index';

describe('negotiateVersion', () => {
  it('answers 1.0 without accept-version, or the version of the WebSocket sub-protocol', () => {
    assert.equal(negotiateVersion(undefined), '1.0');
  });

  it('picks the highest common version of a list', () => {
    assert.equal(negotiateVersion('1.0,1.1,1.2'), '1.2');
    assert.equal(negotiateVersion('1.2,1.0'), '1.2');
    assert.equal(negotiateVersion('1.0, 1.1'), '1.1');
    assert.equal(negotiateVersion('1.1,2.0'), '1.1');
    assert.equal(negotiateVersion('1.0'), '1.0');
  });

  it('answers undefined when nothing is in common', () => {
    assert.equal(negotiateVersion('2.0,3.0'), undefined);
    assert.equal(negotiateVersion(''), undefined);
  });
});

describe('negotiateHeartbeat', () => {
  it('follows STOMP 1.1: the larger of both sides, 0 when either side declines', () => {
    assert.deepEqual(negotiateHeartbeat('4000,20000', 10000, 10000), { sendEveryMs: 20000, expectEveryMs: 10000 });
    assert.deepEqual(negotiateHeartbeat('15000,5000', 10000, 10000), { sendEveryMs: 10000, expectEveryMs: 15000 });
    assert.deepEqual(negotiateHeartbeat('0,5000', 10000, 10000), { sendEveryMs: 10000, expectEveryMs: 0 });
    assert.deepEqual(negotiateHeartbeat('5000,0', 10000, 10000), { sendEveryMs: 0, expectEveryMs: 10000 });
    assert.deepEqual(negotiateHeartbeat('5000,5000', 0, 0), { sendEveryMs: 0, expectEveryMs: 0 });
    assert.deepEqual(negotiateHeartbeat(undefined, 10000, 10000), { sendEveryMs: 0, expectEveryMs: 0 });
    assert.deepEqual(negotiateHeartbeat(' 100 , 200 ', 10, 10), { sendEveryMs: 200, expectEveryMs: 100 });
  });

  it('throws malformed-header for anything but two non-negative integers', () => {
    for (const header of ['', '1000', '1000,', 'a,b', '-1,100', '1.5,2', '1,2,3', '99999999999999999,1']) {
      assert.throws(() => negotiateHeartbeat(header, 1, 1), (e: unknown) => e instanceof StompCodecError && e.code === 'malformed-header', header);
    }
  });

  it('exports the heart-beat EOL', () => {
    assert.equal(HEARTBEAT_EOL.toString('hex'), '0a');
  });
});
