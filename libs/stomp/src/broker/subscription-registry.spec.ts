import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Subscriber } from './broker.port';
import { DuplicateSubscriptionError, SubscriptionRegistry } from './subscription-registry';

const subscriber = (sessionId: string): Subscriber => ({ sessionId, deliver: () => {} });

describe('SubscriptionRegistry', () => {
  it('finds the subscriptions of exactly one destination', () => {
    const registry = new SubscriptionRegistry();
    const a = subscriber('a');
    const b = subscriber('b');
    assert.equal(registry.add(a, '1', '/topic/x'), true);
    assert.equal(registry.add(b, '1', '/topic/x'), false);
    registry.add(a, '2', '/topic/x/y');
    assert.deepEqual(registry.find('/topic/x').map((s) => s.subscriber.sessionId), ['a', 'b']);
    assert.deepEqual(registry.find('/topic/x/y').map((s) => s.subscriptionId), ['2']);
    assert.deepEqual(registry.find('/topic/*'), []);
    assert.equal(registry.size, 3);
  });

  it('treats __proto__ and constructor as ordinary names', () => {
    const registry = new SubscriptionRegistry();
    registry.add(subscriber('__proto__'), 'constructor', '__proto__');
    assert.equal(registry.find('__proto__').length, 1);
    assert.equal(registry.find('constructor').length, 0);
    assert.equal(registry.countFor('__proto__'), 1);
    assert.equal(registry.countFor('toString'), 0);
  });

  it('refuses a duplicate subscription id within a session, not across sessions', () => {
    const registry = new SubscriptionRegistry();
    registry.add(subscriber('a'), '1', '/topic/x');
    assert.throws(() => registry.add(subscriber('a'), '1', '/topic/y'), DuplicateSubscriptionError);
    registry.add(subscriber('b'), '1', '/topic/y');
    assert.deepEqual(registry.find('/topic/x').map((s) => s.subscriber.sessionId), ['a']);
    assert.equal(registry.find('/topic/y').length, 1);
    assert.equal(registry.countFor('a'), 1);
  });

  it('removes one subscription and reports it; forgets empty destinations', () => {
    const registry = new SubscriptionRegistry();
    registry.add(subscriber('a'), '1', '/topic/x');
    registry.add(subscriber('b'), '1', '/topic/x');
    assert.equal(registry.remove('a', '1')?.destination, '/topic/x');
    assert.equal(registry.remove('a', '1'), undefined);
    assert.equal(registry.hasSubscribers('/topic/x'), true);
    registry.remove('b', '1');
    assert.equal(registry.hasSubscribers('/topic/x'), false);
    assert.deepEqual([...registry.destinations()], []);
    assert.equal(registry.size, 0);
  });

  it('removes every subscription of a session', () => {
    const registry = new SubscriptionRegistry();
    registry.add(subscriber('a'), '1', '/topic/x');
    registry.add(subscriber('a'), '2', '/topic/y');
    registry.add(subscriber('b'), '1', '/topic/y');
    const removed = registry.removeAll('a');
    assert.deepEqual(removed.map((s) => s.destination).sort(), ['/topic/x', '/topic/y']);
    assert.equal(registry.countFor('a'), 0);
    assert.deepEqual([...registry.destinations()], ['/topic/y']);
    assert.deepEqual(registry.removeAll('a'), []);
  });

  it('returns a snapshot from find(): later changes do not alter it', () => {
    const registry = new SubscriptionRegistry();
    registry.add(subscriber('a'), '1', '/topic/x');
    const before = registry.find('/topic/x');
    assert.equal(registry.find('/topic/x'), before, 'unchanged destination: the same cached array');
    registry.add(subscriber('b'), '1', '/topic/x');
    assert.equal(before.length, 1);
    assert.equal(registry.find('/topic/x').length, 2);
    assert.ok(Object.isFrozen(before));
  });
});
