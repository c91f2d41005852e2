// #12 item 4: who is signed in, and server disconnects, reach every node. Two registries ("nodes") on one
// real SimpleBroker stand for two processes on one relay: the broker is what carries them either way.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { SimpleBroker } from '../broker/simple.broker';
import type { BrokerMessage } from '../broker/broker-message';
import type { BrokerPort } from '../broker/broker.port';
import { ClusterUserRegistry, UserEvents, type PresenceChangeEvent } from './cluster-user.registry';
import { UserSessionRegistry } from './user-session.registry';

const started: ClusterUserRegistry[] = [];
afterEach(() => {
  for (const r of started.splice(0)) r.onModuleDestroy();
});

/** The same broker seen through a wire that takes `ms` to carry each publish, as a relay does. */
function lagging(broker: SimpleBroker, ms: number): BrokerPort {
  return new Proxy(broker, {
    get(target, name, receiver) {
      if (name === 'publish') return (message: BrokerMessage) => setTimeout(() => target.publish(message), ms);
      return Reflect.get(target, name, receiver) as unknown;
    },
  });
}

function node(broker: BrokerPort, snapshotEveryMs = 10_000) {
  const local = new UserSessionRegistry();
  const events = new EventEmitter2();
  const seen: string[] = [];
  const announced: string[] = [];
  events.on(UserEvents.Joined, (e: PresenceChangeEvent) => e.announce && announced.push(`>${e.key}:${e.user}`));
  events.on(UserEvents.Left, (e: PresenceChangeEvent) => e.announce && announced.push(`<${e.key}:${e.user}`));
  events.on(UserEvents.Online, (e: { user: string }) => seen.push(`+${e.user}`));
  events.on(UserEvents.Offline, (e: { user: string }) => seen.push(`-${e.user}`));
  events.on(UserEvents.Joined, (e: { key: string; user: string }) => seen.push(`>${e.key}:${e.user}`));
  events.on(UserEvents.Left, (e: { key: string; user: string }) => seen.push(`<${e.key}:${e.user}`));
  events.on(UserEvents.Disconnect, (e: { user: string; reason: string }) => seen.push(`x${e.user}:${e.reason}`));
  const registry = new ClusterUserRegistry(broker, local, events, { snapshotEveryMs });
  registry.onModuleInit();
  started.push(registry);
  return { local, registry, seen, announced };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('#12 ClusterUserRegistry', () => {
  it('a user signed in on one node is online on the other, once per user, until the last session goes', () => {
    const broker = new SimpleBroker();
    const a = node(broker);
    const b = node(broker);
    a.local.add('alice', 's1');
    a.local.add('alice', 's2');
    assert.equal(b.registry.isOnline('alice'), true);
    assert.deepEqual(b.seen, ['+alice']);
    b.local.add('alice', 's3');
    a.local.remove('s1');
    a.local.remove('s2');
    assert.equal(b.registry.isOnline('alice'), true, 'still signed in on b');
    b.local.remove('s3');
    assert.equal(a.registry.isOnline('alice'), false);
    assert.deepEqual(a.seen, ['+alice', '-alice']);
    assert.deepEqual(b.seen, ['+alice', '-alice']);
  });

  it('a node that starts late learns who is signed in elsewhere (hello, snapshot)', () => {
    const broker = new SimpleBroker();
    const a = node(broker);
    a.local.add('bob', 's1');
    const late = node(broker);
    late.registry.live();
    assert.equal(late.registry.isOnline('bob'), true);
    assert.deepEqual([...late.registry.users()], ['bob']);
  });

  it('a node that falls silent (killed) is forgotten after three periods: its users go offline', async () => {
    const broker = new SimpleBroker();
    const a = node(broker, 40);
    const b = node(broker, 40);
    a.local.add('carol', 's1');
    assert.equal(b.registry.isOnline('carol'), true);
    a.registry.onModuleDestroy(); // no more snapshots, and no goodbye: as after kill -9
    await sleep(250);
    assert.equal(b.registry.isOnline('carol'), false);
    assert.deepEqual(b.seen, ['+carol', '-carol']);
  });

  it('#13 a node whose own event loop was blocked past three periods does not forget the others for it', async () => {
    const broker = new SimpleBroker();
    const a = node(lagging(broker, 5), 40);
    const b = node(lagging(broker, 5), 40);
    a.local.add('carol', 's1');
    await sleep(20);
    assert.equal(b.registry.isOnline('carol'), true);
    // Busy for 300 ms: b's tick fires late, before a's queued snapshot is read.
    const until = Date.now() + 300;
    while (Date.now() < until) { /* blocked */ }
    await sleep(100);
    assert.equal(b.registry.isOnline('carol'), true);
    assert.deepEqual(b.seen, ['+carol'], 'no offline and online again');
  });

  it('a disconnect decided on one node reaches every node, its own included', () => {
    const broker = new SimpleBroker();
    const a = node(broker);
    const b = node(broker);
    const ended: string[] = [];
    const stop = b.registry.whenDisconnected('dave', (reason) => ended.push(reason));
    a.registry.disconnect('dave', 'banned');
    assert.deepEqual(ended, ['banned']);
    assert.deepEqual(a.seen, ['xdave:banned']);
    assert.deepEqual(b.seen, ['xdave:banned']);
    stop();
    a.registry.disconnect('dave', 'again');
    assert.deepEqual(ended, ['banned'], 'an ended connection is no longer called');
  });

  it('ignores broadcasts that are not its own protocol (garbage bodies, unknown kinds, a hostile user name)', () => {
    const broker = new SimpleBroker();
    const a = node(broker);
    const publish = (body: string) => a.registry.deliver({ id: 'x', destination: '', headers: new Map(), body: Buffer.from(body), isText: true, encodings: new Map() });
    for (const body of ['', 'null', '[]', '{"node":1}', '{"node":"n","kind":"snapshot","entries":"x"}', '{"node":"n","kind":"snapshot","entries":[1,[2],["k",3],["k",[[4]]]]}', '{"node":"n","kind":"nope"}', '{"node":"n","kind":"enter","key":"","user":{}}']) publish(body);
    publish('{"node":"n","kind":"enter","key":"","user":"__proto__","since":1}');
    assert.equal(a.registry.isOnline('__proto__'), true);
    assert.equal(a.registry.isOnline('constructor'), false);
    publish('{"node":"n","kind":"enter","key":"__proto__","user":"constructor","since":"x"}');
    assert.equal(a.registry.isPresent('__proto__', 'constructor'), true);
    publish('{"node":"n","kind":"leave","key":"","user":"__proto__"}');
    publish('{"node":"n","kind":"leave","key":"__proto__","user":"constructor"}');
    assert.deepEqual([...a.registry.users()], []);
    assert.deepEqual(a.registry.present('__proto__'), []);
  });

  it('presence: users (not connections) at a key across nodes, joined once, left once, with the earliest since', async () => {
    const broker = new SimpleBroker();
    const a = node(broker);
    const b = node(broker);
    const leaveA1 = a.registry.enter('room:lobby', 'ann');
    await sleep(5);
    const leaveA2 = a.registry.enter('room:lobby', 'ann');
    const leaveB = b.registry.enter('room:lobby', 'ann');
    b.registry.enter('room:lobby', 'ben');
    const presentOnB = b.registry.present('room:lobby');
    assert.deepEqual(presentOnB.map((p) => p.user), ['ann', 'ben']);
    assert.deepEqual(a.registry.present('room:lobby'), presentOnB, 'both nodes see the same snapshot');
    assert.deepEqual(a.seen, ['>room:lobby:ann', '>room:lobby:ben']);
    leaveA1();
    leaveA1();
    leaveA2();
    assert.equal(b.registry.isPresent('room:lobby', 'ann'), true, 'still there through node b');
    leaveB();
    assert.equal(a.registry.isPresent('room:lobby', 'ann'), false);
    assert.deepEqual(a.seen, ['>room:lobby:ann', '>room:lobby:ben', '<room:lobby:ann']);
    assert.deepEqual(b.seen, a.seen);
  });

  it('presence of a killed node ends after three periods; a late node learns presence from snapshots', async () => {
    const broker = new SimpleBroker();
    const a = node(broker, 40);
    a.registry.enter('room:x', 'zed');
    const late = node(broker, 40);
    late.registry.live();
    assert.deepEqual(late.registry.present('room:x').map((p) => p.user), ['zed']);
    a.registry.onModuleDestroy();
    await sleep(250);
    assert.deepEqual(late.registry.present('room:x'), []);
    assert.deepEqual(late.seen, ['>room:x:zed', '<room:x:zed']);
  });

  it('#13 a user entering through two nodes at once is announced joined once, and leaving both at once, left once', async () => {
    const broker = new SimpleBroker();
    const nodes = [node(lagging(broker, 15)), node(lagging(broker, 15)), node(lagging(broker, 15))];
    for (const n of nodes) n.registry.live();
    await sleep(60);
    // Each node's own connection arrives before it hears of the other's: both are "first" where they happen.
    const leaves = [nodes[0]!.registry.enter('room:x', 'dan'), nodes[1]!.registry.enter('room:x', 'dan')];
    await sleep(60);
    for (const n of nodes) assert.equal(n.registry.isPresent('room:x', 'dan'), true);
    for (const leave of leaves) leave();
    await sleep(60);
    for (const n of nodes) assert.equal(n.registry.isPresent('room:x', 'dan'), false);
    assert.deepEqual(nodes.flatMap((n) => n.announced), ['>room:x:dan', '<room:x:dan'], 'one join and one leave, told by one node');
  });

  it('#13 a node that stops says goodbye: its users leave at once, and the next node announces', async () => {
    const broker = new SimpleBroker();
    const a = node(broker);
    const b = node(broker);
    a.registry.live();
    b.registry.live();
    const [low, high] = a.registry.node < b.registry.node ? [a, b] : [b, a];
    low.registry.enter('room:y', 'eve');
    assert.deepEqual(low.announced, ['>room:y:eve']);
    low.registry.onModuleDestroy();
    started.splice(started.indexOf(low.registry), 1);
    assert.equal(high.registry.isPresent('room:y', 'eve'), false, 'gone without waiting three periods');
    high.registry.enter('room:y', 'fay');
    assert.deepEqual(high.announced, ['<room:y:eve', '>room:y:fay']);
  });
});
