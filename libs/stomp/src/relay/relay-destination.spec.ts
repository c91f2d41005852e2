import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  RelayDestinationError,
  fromRabbitDestination,
  toRabbitDestination,
  toRoutingKey,
} from './relay-destination';

describe('relay destinations', () => {
  it('maps paths onto readable routing keys', () => {
    assert.equal(toRabbitDestination('/topic/rooms/a'), '/topic/topic.rooms.a');
    assert.equal(toRabbitDestination('/queue/errors-users1'), '/topic/queue.errors-users1');
    assert.equal(toRabbitDestination('/topic/rooms.a'), '/topic/topic.rooms_2Ea');
    assert.equal(toRabbitDestination('/topic/a*'), '/topic/topic.a_2A');
    assert.equal(toRabbitDestination('/topic/#'), '/topic/topic._23');
    assert.equal(toRabbitDestination('/topic/a%2Fb'), '/topic/topic.a_252Fb');
    assert.equal(toRabbitDestination('/topic/a_2Fb'), '/topic/topic.a_5F2Fb');
  });

  it('is reversible, so injective, for any destination', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (rest) => {
        const destination = '/' + rest;
        if (destination.length < 2 || Buffer.from(rest).toString() !== rest) return; // lone surrogates are not UTF-8
        assert.equal(fromRabbitDestination(toRabbitDestination(destination)), destination);
      }),
    );
  });

  it('never produces a wildcard word, a percent or a slash in the key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (rest) => {
        const key = toRoutingKey('/x' + rest);
        assert.match(key, /^[A-Za-z0-9._-]*$/);
        assert.ok(!key.split('.').some((word) => word === '*' || word === '#'));
      }),
    );
  });

  it('refuses destinations it cannot relay, with a clear error', () => {
    assert.throws(() => toRabbitDestination('topic/a'), RelayDestinationError);
    assert.throws(() => toRabbitDestination('/'), RelayDestinationError);
    assert.throws(() => toRabbitDestination('/topic/' + 'é'.repeat(100)), /too long/);
    assert.throws(() => fromRabbitDestination('/queue/x'), RelayDestinationError);
    assert.throws(() => fromRabbitDestination('/topic/a_zz'), RelayDestinationError);
  });
});
