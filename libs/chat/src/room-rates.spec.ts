import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RoomRates } from './room-rates';

describe('RoomRates', () => {
  it('counts a room\'s messages over the last minute and forgets what is older', () => {
    let now = 1_000_000;
    const rates = new RoomRates(() => now);
    for (let i = 0; i < 5; i++) rates.record('busy');
    rates.record('quiet');
    assert.deepEqual(rates.top(10), [{ room: 'busy', perMinute: 5 }, { room: 'quiet', perMinute: 1 }]);
    now += 30_000;
    rates.record('quiet');
    rates.record('quiet');
    assert.deepEqual(rates.top(1), [{ room: 'busy', perMinute: 5 }]);
    now += 40_000;
    assert.deepEqual(rates.top(10), [{ room: 'quiet', perMinute: 2 }], 'the first messages are over a minute old');
    now += 120_000;
    assert.deepEqual(rates.top(10), []);
  });

  it('tracks a bounded number of rooms: a flood of names evicts the quietest', () => {
    const rates = new RoomRates(() => 0);
    rates.record('kept');
    rates.record('kept');
    for (let i = 0; i < 20_000; i++) rates.record(`r${i}`);
    const top = rates.top(20_001);
    assert.ok(top.length <= 10_000, `${top.length} rooms tracked`);
    assert.equal(top[0]!.room, 'kept');
  });
});
