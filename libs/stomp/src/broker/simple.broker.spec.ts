import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMessage, type BrokerMessage } from './broker-message';
import type { BrokerPort, Subscriber } from './broker.port';
import { SimpleBroker } from './simple.broker';
import { brokerContract } from './testing/broker-contract';

brokerContract('SimpleBroker', () => new SimpleBroker({ onDeliveryError: () => {} }) satisfies BrokerPort);

describe('SimpleBroker', () => {
  it('delivers synchronously, the published object itself, before publish() returns', () => {
    const broker = new SimpleBroker();
    const got: BrokerMessage[] = [];
    broker.subscribe({ sessionId: 's', deliver: (m) => got.push(m) }, 'x', '/topic/a');
    const message = createMessage('/topic/a', 'hi');
    broker.publish(message);
    assert.equal(got.length, 1);
    assert.equal(got[0], message);
  });

  it('reports a throwing subscriber to onDeliveryError with its session', () => {
    const errors: string[] = [];
    const broker = new SimpleBroker({ onDeliveryError: (e, s) => errors.push(`${s.subscriber.sessionId}:${(e as Error).message}`) });
    const bad: Subscriber = { sessionId: 'bad', deliver: () => { throw new Error('boom'); } };
    broker.subscribe(bad, 'x', '/topic/a');
    broker.publish(createMessage('/topic/a', 'hi'));
    assert.deepEqual(errors, ['bad:boom']);
  });

  it('lets a subscriber unsubscribe another during delivery without skipping this delivery', () => {
    const broker = new SimpleBroker();
    const got: string[] = [];
    broker.subscribe({ sessionId: 'a', deliver: () => { got.push('a'); broker.unsubscribe('b', 'x'); } }, 'x', '/topic/t');
    broker.subscribe({ sessionId: 'b', deliver: () => got.push('b') }, 'x', '/topic/t');
    broker.publish(createMessage('/topic/t', '1'));
    broker.publish(createMessage('/topic/t', '2'));
    assert.deepEqual(got, ['a', 'b', 'a']);
  });

  it('counts subscriptions per session', () => {
    const broker = new SimpleBroker();
    const s: Subscriber = { sessionId: 's', deliver: () => {} };
    broker.subscribe(s, '1', '/topic/a');
    broker.subscribe(s, '2', '/topic/b');
    assert.equal(broker.subscriptionCount('s'), 2);
    broker.unsubscribeAll('s');
    assert.equal(broker.subscriptionCount('s'), 0);
  });

  it('fans one publish out to 1,000 subscribers quickly', () => {
    const broker = new SimpleBroker();
    let count = 0;
    for (let i = 0; i < 1000; i++) broker.subscribe({ sessionId: `s${i}`, deliver: () => count++ }, 'x', '/topic/hot');
    const message = createMessage('/topic/hot', 'x');
    const started = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) broker.publish(message);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(count, 1_000_000);
    assert.ok(ms < 2000, `1,000 publishes × 1,000 subscribers took ${ms} ms`);
  });
});
