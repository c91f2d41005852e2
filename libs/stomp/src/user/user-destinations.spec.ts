import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrokerMessage } from '../broker/broker-message';
import type { Subscriber } from '../broker/broker.port';
import { MessagingTemplate } from '../broker/messaging.template';
import { SimpleBroker } from '../broker/simple.broker';
import { UserBroadcastListener } from './user-broadcast.listener';
import { UserDestinationError, UserDestinations } from './user-destinations';
import { UserSessionRegistry } from './user-session.registry';

/** A stand-in for a STOMP session: subscribes the way the session will, records what a client would see. */
class FakeSession implements Subscriber {
  readonly seen: { destination: string; body: string }[] = [];
  private readonly clientDestinations = new Map<string, string>();
  constructor(readonly sessionId: string, private readonly broker: SimpleBroker, private readonly users: UserDestinations) {}

  subscribe(id: string, destination: string): void {
    if (this.users.isReservedDestination(destination)) throw new Error('refused');
    const { brokerDestination, clientDestination } = this.users.isUserDestination(destination)
      ? this.users.resolveSubscribe(destination, this.sessionId)
      : { brokerDestination: destination, clientDestination: destination };
    this.clientDestinations.set(id, clientDestination);
    this.broker.subscribe(this, id, brokerDestination);
  }

  deliver(message: BrokerMessage, subscriptionId: string): void {
    this.seen.push({ destination: this.clientDestinations.get(subscriptionId)!, body: message.body.toString() });
  }
}

function setup() {
  const broker = new SimpleBroker();
  const sessions = new UserSessionRegistry();
  const users = new UserDestinations(sessions);
  new UserBroadcastListener(broker, users).attach();
  const template = new MessagingTemplate(broker, users);
  const connect = (sessionId: string, user?: string) => {
    if (user !== undefined) sessions.add(user, sessionId);
    return new FakeSession(sessionId, broker, users);
  };
  return { broker, sessions, users, template, connect };
}

describe('UserDestinations', () => {
  it('rewrites /user/queue/x into a destination only that session owns', () => {
    const { users } = setup();
    assert.deepEqual(users.resolveSubscribe('/user/queue/messages', 's1'), {
      brokerDestination: '/queue/messages-users1',
      clientDestination: '/user/queue/messages',
    });
    assert.equal(users.toClientDestination('/queue/messages-users1', 's1'), '/user/queue/messages');
    assert.equal(users.toClientDestination('/queue/messages-users1', 's2'), '/queue/messages-users1');
    assert.equal(users.toClientDestination('/topic/a', 's1'), '/topic/a');
  });

  it('refuses /user/ forms other than /user/queue/<name>', () => {
    const { users } = setup();
    for (const bad of ['/user/alice/queue/x', '/user/queue/', '/user/topic/x', '/user/']) {
      assert.throws(() => users.resolveSubscribe(bad, 's1'), UserDestinationError, bad);
    }
  });

  it('reserves every session destination so that none can be subscribed to directly', () => {
    const { users } = setup();
    assert.equal(users.isReservedDestination('/queue/messages-users2'), true);
    assert.equal(users.isReservedDestination('/queue/messages-usernobody-yet'), true);
    assert.equal(users.isReservedDestination('/system/user-broadcast'), true);
    assert.equal(users.isReservedDestination('/queue/messages'), false);
    assert.equal(users.isReservedDestination('/topic/rooms/users'), false);
    assert.equal(users.isReservedDestination('/user/queue/messages'), false);
  });

  it('refuses a session id that could break out of the destination', () => {
    const { users } = setup();
    assert.throws(() => users.sessionDestination('a/b', '/queue/x'), UserDestinationError);
    assert.throws(() => users.sessionDestination('', '/queue/x'), UserDestinationError);
    assert.throws(() => users.sessionDestination('s1', '/topic/x'), UserDestinationError);
  });
});

describe('sending to users and sessions', () => {
  it('reaches every session of the user, shown as the destination they subscribed to, and no other user', () => {
    const { template, connect } = setup();
    const aliceLaptop = connect('s1', 'alice');
    const alicePhone = connect('s2', 'alice');
    const bob = connect('s3', 'bob');
    const anonymous = connect('s4');
    for (const s of [aliceLaptop, alicePhone, bob, anonymous]) s.subscribe('sub-0', '/user/queue/messages');

    template.convertAndSendToUser('alice', '/queue/messages', { text: 'hi alice' });

    const expected = [{ destination: '/user/queue/messages', body: '{"text":"hi alice"}' }];
    assert.deepEqual(aliceLaptop.seen, expected);
    assert.deepEqual(alicePhone.seen, expected);
    assert.deepEqual(bob.seen, []);
    assert.deepEqual(anonymous.seen, []);
  });

  it('reaches one session only with convertAndSendToSession', () => {
    const { template, connect } = setup();
    const one = connect('s1', 'alice');
    const two = connect('s2', 'alice');
    one.subscribe('e', '/user/queue/errors');
    two.subscribe('e', '/user/queue/errors');
    template.convertAndSendToSession('s2', '/queue/errors', { error: 'bad-room' });
    assert.deepEqual(one.seen, []);
    assert.deepEqual(two.seen, [{ destination: '/user/queue/errors', body: '{"error":"bad-room"}' }]);
  });

  it('stops reaching a session once it is gone from the registry', () => {
    const { template, connect, sessions } = setup();
    const one = connect('s1', 'alice');
    one.subscribe('m', '/user/queue/messages');
    sessions.remove('s1');
    template.convertAndSendToUser('alice', '/user/queue/messages', 'late');
    assert.deepEqual(one.seen, []);
  });

  it('refuses a client that subscribes straight to another session\'s destination', () => {
    const { template, connect } = setup();
    const alice = connect('s1', 'alice');
    alice.subscribe('m', '/user/queue/messages');
    const mallory = connect('s2', 'mallory');
    assert.throws(() => mallory.subscribe('spy', '/queue/messages-users1'), /refused/);
    assert.throws(() => mallory.subscribe('spy', '/system/user-broadcast'), /refused/);
    // Smuggling through /user/ only ever lands in mallory's own destinations.
    mallory.subscribe('spy2', '/user/queue/messages-users1');
    template.convertAndSendToUser('alice', '/queue/messages', 'secret');
    assert.deepEqual(mallory.seen, []);
    assert.equal(alice.seen.length, 1);
  });
});

describe('UserSessionRegistry', () => {
  it('maps a principal to its sessions and back', () => {
    const registry = new UserSessionRegistry();
    registry.add('alice', 's1');
    registry.add('alice', 's2');
    registry.add('__proto__', 's3');
    assert.deepEqual([...registry.sessionsOf('alice')], ['s1', 's2']);
    assert.deepEqual([...registry.sessionsOf('__proto__')], ['s3']);
    assert.deepEqual([...registry.sessionsOf('nobody')], []);
    assert.equal(registry.remove('s1'), 'alice');
    assert.equal(registry.remove('s1'), undefined);
    assert.equal(registry.userOf('s2'), 'alice');
    registry.remove('s2');
    assert.equal(registry.userCount, 1);
  });
});
