import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULTS, OptionsError, parseOptions } from './bench-options';

describe('bench command-line options', () => {
  it('defaults to every scenario against every target at the issue\'s sizes', () => {
    const o = parseOptions([]);
    assert.deepEqual(o.scenarios, ['fanout', 'bodies', 'rooms', 'idle', 'idle-doors', 'cluster', 'presence']);
    assert.deepEqual(o.targets, ['bare', 'socketio', 'ours', 'stored']);
    assert.equal(o.subscribers, 1000);
    assert.equal(o.rooms * o.roomSize, 2000);
    assert.equal(o.idle, 10_000);
    assert.equal(o.heartbeatMs, 10_000);
    assert.equal(o.presenceUsers, 1000);
    assert.equal(o.presenceTypers, 100);
  });

  it('selects scenarios, targets and sizes, in both --flag value and --flag=value forms', () => {
    const o = parseOptions(['--scenario', 'fanout,store', '--target=ours', '--subscribers', '250', '--rate=7.5', '--no-ramp']);
    assert.deepEqual(o.scenarios, ['fanout']);
    assert.deepEqual(o.extras, ['store']);
    assert.equal(o.extrasNamed, true);
    assert.deepEqual(o.targets, ['ours']);
    assert.equal(o.subscribers, 250);
    assert.equal(o.rate, 7.5);
    assert.equal(o.ramp, false);
    assert.equal(DEFAULTS.subscribers, 1000, 'parsing does not touch the defaults');
  });

  it('refuses unknown flags, unknown scenarios and out-of-range sizes with a message naming them', () => {
    assert.throws(() => parseOptions(['--subscriber', '5']), (e: unknown) => e instanceof OptionsError && /--subscriber/.test(e.message));
    assert.throws(() => parseOptions(['--scenario', 'fanout,nope']), /unknown scenario "nope"/);
    assert.throws(() => parseOptions(['--idle', '1e9']), /--idle must be an integer from 1 to 60000/);
    assert.throws(() => parseOptions(['--workers', '1.5']), /--workers must be an integer/);
    assert.throws(() => parseOptions(['--target', 'rabbit']), /unknown target "rabbit"/);
    assert.throws(() => parseOptions(['--rate']), /--rate needs a value/);
    assert.throws(() => parseOptions(['--doors', 'sse,carrier-pigeon']), /unknown door "carrier-pigeon"/);
  });
});

describe('bench targets', () => {
  it('takes a comma-separated list, all, or both', () => {
    assert.deepEqual(parseOptions(['--target', 'socketio,stored']).targets, ['socketio', 'stored']);
    assert.deepEqual(parseOptions(['--target', 'all']).targets, ['bare', 'socketio', 'ours', 'stored']);
    assert.deepEqual(parseOptions(['--target', 'both']).targets, ['bare', 'ours']);
    assert.throws(() => parseOptions(['--target', 'ours,rabbit']), /unknown target "rabbit"/);
  });
});
