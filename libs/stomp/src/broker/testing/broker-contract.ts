import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createMessage, type BrokerMessage } from '../broker-message';
import type { BrokerPort, Subscriber } from '../broker.port';

/**
 * The behaviour every BrokerPort must have, as node:test tests: run it against each implementation
 * (simple broker in a *.spec.ts, the relay in a *.services-spec.ts). Deliveries are awaited, never
 * assumed synchronous, so the same suite fits a broker that goes over the network.
 *
 * "Nothing else arrived" is checked with a barrier: after the expected messages, one more message is
 * published to every destination involved and awaited; a message that leaked would have been queued
 * ahead of it on the same destination.
 */
export interface BrokerContractOptions {
  /** How long to wait for an expected delivery before failing. */
  timeoutMs?: number;
}

interface Received {
  message: BrokerMessage;
  subscriptionId: string;
}

class Recorder implements Subscriber {
  readonly received: Received[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(readonly sessionId: string, private readonly fail = false) {}

  deliver(message: BrokerMessage, subscriptionId: string): void {
    this.received.push({ message, subscriptionId });
    this.waiters = this.waiters.filter((w) => (this.received.length >= w.count ? (w.resolve(), false) : true));
    if (this.fail) throw new Error(`subscriber ${this.sessionId} is broken on purpose`);
  }

  bodies(): string[] {
    return this.received.map((r) => r.message.body.toString('utf8'));
  }

  waitFor(count: number, timeoutMs: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.sessionId}: ${this.received.length} of ${count} messages after ${timeoutMs} ms: ${JSON.stringify(this.bodies())}`)),
        timeoutMs,
      );
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
}

export function brokerContract(
  name: string,
  makeBroker: () => BrokerPort | Promise<BrokerPort>,
  options: BrokerContractOptions = {},
): void {
  // Loaded here, not at the top: the lib's index exports this function and production code must not load node:test.
  const { describe, it } = require('node:test') as typeof import('node:test');
  const timeoutMs = options.timeoutMs ?? 5000;
  const run = randomBytes(4).toString('hex');
  let seq = 0;
  const dest = (suffix: string) => `/topic/contract-${run}-${++seq}${suffix}`;

  async function withBroker(body: (broker: BrokerPort) => Promise<void>): Promise<void> {
    const broker = await makeBroker();
    await broker.start();
    try {
      await body(broker);
    } finally {
      await broker.stop();
    }
  }

  const live = async (broker: BrokerPort) => broker.whenSubscribed?.();
  const text = (destination: string, body: string) => createMessage(destination, body, [['content-type', 'text/plain']]);

  describe(`BrokerPort contract: ${name}`, () => {
    it('is healthy once started', () =>
      withBroker(async (broker) => {
        assert.equal(broker.health().up, true);
      }));

    it('tells each subscriber once its subscription is live, and a message published then reaches it (#12)', () =>
      withBroker(async (broker) => {
        const a = dest('/live');
        const heard: string[] = [];
        const listening = (sessionId: string): Subscriber => ({ sessionId, deliver: () => {}, live: (id) => heard.push(`${sessionId}/${id}`) });
        broker.subscribe(listening('first'), 'x', a);
        await broker.whenSubscribed?.(a);
        broker.subscribe(listening('second'), 'y', a);
        await live(broker);
        assert.deepEqual(heard, ['first/x', 'second/y']);
        const s = new Recorder('after-live');
        broker.subscribe(s, 'z', a);
        await broker.whenSubscribed?.(a);
        broker.publish(text(a, 'now'));
        await s.waitFor(1, timeoutMs);
      }));

    it('fans a message out to every subscriber of its destination and to no other', () =>
      withBroker(async (broker) => {
        const a = dest('/a');
        const b = dest('/b');
        const subs = [new Recorder('s1'), new Recorder('s2'), new Recorder('s3')];
        subs.forEach((s, i) => broker.subscribe(s, `sub-${i}`, a));
        const other = new Recorder('s4');
        broker.subscribe(other, 'sub-0', b);
        await live(broker);
        broker.publish(text(a, 'hello'));
        await Promise.all(subs.map((s) => s.waitFor(1, timeoutMs)));
        broker.publish(text(b, 'barrier'));
        await other.waitFor(1, timeoutMs);
        for (const [i, s] of subs.entries()) {
          assert.deepEqual(s.bodies(), ['hello']);
          assert.equal(s.received[0].subscriptionId, `sub-${i}`);
          assert.equal(s.received[0].message.destination, a);
        }
        assert.deepEqual(other.bodies(), ['barrier']);
      }));

    it('hands the same message object to every subscriber', () =>
      withBroker(async (broker) => {
        const a = dest('/same');
        const subs = [new Recorder('s1'), new Recorder('s2'), new Recorder('s3')];
        subs.forEach((s) => broker.subscribe(s, 'x', a));
        await live(broker);
        broker.publish(text(a, 'shared'));
        await Promise.all(subs.map((s) => s.waitFor(1, timeoutMs)));
        assert.equal(subs[0].received[0].message, subs[1].received[0].message);
        assert.equal(subs[1].received[0].message, subs[2].received[0].message);
      }));

    it('stops delivering after unsubscribe', () =>
      withBroker(async (broker) => {
        const a = dest('/unsub');
        const leaving = new Recorder('leaving');
        const staying = new Recorder('staying');
        broker.subscribe(leaving, 'x', a);
        broker.subscribe(staying, 'x', a);
        await live(broker);
        broker.publish(text(a, 'one'));
        await Promise.all([leaving.waitFor(1, timeoutMs), staying.waitFor(1, timeoutMs)]);
        broker.unsubscribe('leaving', 'x');
        broker.publish(text(a, 'two'));
        await staying.waitFor(2, timeoutMs);
        assert.deepEqual(leaving.bodies(), ['one']);
        assert.deepEqual(staying.bodies(), ['one', 'two']);
        broker.unsubscribe('leaving', 'x'); // twice, or unknown: no effect, no throw
        broker.unsubscribe('nobody', 'nothing');
      }));

    it('drops every subscription of a session with unsubscribeAll and keeps the others', () =>
      withBroker(async (broker) => {
        const a = dest('/all-a');
        const b = dest('/all-b');
        const gone = new Recorder('gone');
        const kept = new Recorder('kept');
        broker.subscribe(gone, '1', a);
        broker.subscribe(gone, '2', b);
        broker.subscribe(kept, '1', a);
        broker.subscribe(kept, '2', b);
        await live(broker);
        broker.unsubscribeAll('gone');
        broker.publish(text(a, 'to-a'));
        broker.publish(text(b, 'to-b'));
        await kept.waitFor(2, timeoutMs);
        assert.deepEqual(gone.bodies(), []);
        assert.deepEqual(new Set(kept.bodies()), new Set(['to-a', 'to-b']));
        // The session may come back with the same subscription ids.
        broker.subscribe(gone, '1', a);
        await live(broker);
        broker.publish(text(a, 'again'));
        await gone.waitFor(1, timeoutMs);
        assert.deepEqual(gone.bodies(), ['again']);
      }));

    it('refuses a subscription id the session already uses and keeps the first subscription', () =>
      withBroker(async (broker) => {
        const a = dest('/dup-a');
        const b = dest('/dup-b');
        const s = new Recorder('s');
        broker.subscribe(s, 'x', a);
        assert.throws(() => broker.subscribe(s, 'x', b), { name: 'DuplicateSubscriptionError' });
        await live(broker);
        broker.publish(text(b, 'to-b'));
        broker.publish(text(a, 'to-a'));
        await s.waitFor(1, timeoutMs);
        assert.deepEqual(s.bodies(), ['to-a']);
      }));

    it('matches destinations literally: look-alikes, wildcards and path tricks are other destinations', () =>
      withBroker(async (broker) => {
        const base = `/topic/leak-${run}`;
        const suffixes = [
          '/a', '/a/b', '/a*', '/*', '/#', '/a/*', '/a/#', '/a.b', '/a/..', '/..', '/a%2Fb', '/a%2fb', '/A',
          '/\u0430', // Cyrillic а
          '/\uff41', // fullwidth a
          '/a\u200b', // zero-width space
          '/a/', '/a b', '/a_2Fb', '/a_b', '/a:b', '/a\\b',
        ];
        const destinations = [...suffixes.map((s) => base + s), `/queue/leak-${run}/a`, `/queue/leak-${run}/a/b`];
        const recorders = destinations.map((d, i) => {
          const r = new Recorder(`leak-${i}`);
          broker.subscribe(r, 'x', d);
          return r;
        });
        await live(broker);
        destinations.forEach((d) => broker.publish(text(d, `own:${d}`)));
        await Promise.all(recorders.map((r) => r.waitFor(1, timeoutMs)));
        destinations.forEach((d) => broker.publish(text(d, 'end')));
        await Promise.all(recorders.map((r) => r.waitFor(2, timeoutMs)));
        recorders.forEach((r, i) => {
          assert.deepEqual(r.bodies(), [`own:${destinations[i]}`, 'end'], `subscriber of ${JSON.stringify(destinations[i])}`);
          assert.equal(r.received[0].message.destination, destinations[i]);
        });
      }));

    it('keeps the order of one publisher', () =>
      withBroker(async (broker) => {
        const a = dest('/order');
        const s = new Recorder('s');
        broker.subscribe(s, 'x', a);
        await live(broker);
        const expected = Array.from({ length: 200 }, (_, i) => `m${i}`);
        for (const body of expected) broker.publish(text(a, body));
        await s.waitFor(expected.length, timeoutMs);
        assert.deepEqual(s.bodies(), expected);
      }));

    it('keeps delivering to the others when one subscriber throws', () =>
      withBroker(async (broker) => {
        const a = dest('/throw');
        const before = new Recorder('before');
        const broken = new Recorder('broken', true);
        const after = new Recorder('after');
        for (const s of [before, broken, after]) broker.subscribe(s, 'x', a);
        await live(broker);
        broker.publish(text(a, 'one'));
        broker.publish(text(a, 'two'));
        await Promise.all([before.waitFor(2, timeoutMs), after.waitFor(2, timeoutMs), broken.waitFor(2, timeoutMs)]);
        assert.deepEqual(before.bodies(), ['one', 'two']);
        assert.deepEqual(after.bodies(), ['one', 'two']);
        assert.equal(broker.health().up, true);
      }));

    it('carries the body bytes and application headers unchanged', () =>
      withBroker(async (broker) => {
        const a = dest('/headers');
        const s = new Recorder('s');
        broker.subscribe(s, 'x', a);
        await live(broker);
        const binary = Buffer.from([0x00, 0xff, 0xfe, 0x0a, 0x00, 0x41]);
        const headers: [string, string][] = [
          ['content-type', 'application/octet-stream'],
          ['chat-id', '42'],
          ['note', 'colon: and \\ backslash'],
        ];
        broker.publish(createMessage(a, binary, headers));
        broker.publish(createMessage(a, '{"text":"héllo ✓"}', [['content-type', 'application/json']]));
        await s.waitFor(2, timeoutMs);
        const [first, second] = s.received.map((r) => r.message);
        assert.deepEqual(first.body, binary);
        assert.equal(first.isText, false);
        assert.deepEqual(new Map([...first.headers].filter(([k]) => headers.some(([h]) => h === k))), new Map(headers));
        assert.equal(first.headers.get('content-type'), 'application/octet-stream');
        assert.equal(second.body.toString('utf8'), '{"text":"héllo ✓"}');
        assert.equal(second.isText, true);
        assert.equal(second.headers.get('content-type'), 'application/json');
      }));
  });
}
