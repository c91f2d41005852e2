import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import {
  MessagingTemplate,
  UserBroadcastListener,
  UserDestinations,
  UserSessionRegistry,
  USER_TARGET_HEADER,
  brokerContract,
  createMessage,
  type BrokerMessage,
  type Subscriber,
} from '@app/messaging';
import { StompRelayBroker } from './stomp-relay.broker';

// RabbitMQ with rabbitmq_stomp on 61613 (.ci/run enables the plugin); override with BROKER_RELAY.
const RELAY_URL = process.env.BROKER_RELAY || 'stomp://guest:guest@127.0.0.1:61613';
const quiet = { onDeliveryError: () => {} };

brokerContract('StompRelayBroker (RabbitMQ)', () => new StompRelayBroker({ url: RELAY_URL, ...quiet }));

/** Collects messages and lets a test await the n-th. */
class Inbox implements Subscriber {
  readonly messages: BrokerMessage[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  constructor(readonly sessionId: string) {}
  deliver(message: BrokerMessage): void {
    this.messages.push(message);
    this.waiters = this.waiters.filter((w) => (this.messages.length >= w.n ? (w.resolve(), false) : true));
  }
  waitFor(n: number): Promise<void> {
    if (this.messages.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
  bodies(): string[] {
    return this.messages.map((m) => m.body.toString());
  }
}

/** A TCP proxy in front of RabbitMQ that a test can cut, to kill the relay's connection for real. */
async function startProxy(port = 0): Promise<{ port: number; cut(): void; close(): Promise<void>; server: Server }> {
  const target = new URL(RELAY_URL.replace(/^stomp:/, 'http:'));
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 61613), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => (sockets.delete(s), client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : 0,
    cut: () => sockets.forEach((s) => s.destroy()),
    close: () => new Promise<void>((resolve) => { sockets.forEach((s) => s.destroy()); server.close(() => resolve()); }),
  };
}

function nextHealth(broker: StompRelayBroker, up: boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (broker.health().up !== up) return;
      clearInterval(poll);
      resolve();
    }, 10);
  });
}

describe('StompRelayBroker across nodes', { timeout: 30_000 }, () => {
  const brokers: StompRelayBroker[] = [];
  const node = async (url = RELAY_URL, extra = {}) => {
    const broker = new StompRelayBroker({ url, ...quiet, reconnectDelayMs: 50, maxReconnectDelayMs: 200, ...extra });
    brokers.push(broker);
    await broker.start();
    return broker;
  };
  after(() => Promise.all(brokers.map((b) => b.stop())));

  it('delivers a publish on node A to subscribers on node A and node B, once each', async () => {
    const a = await node();
    const b = await node();
    const destination = `/topic/rooms/nodes-${randomBytes(4).toString('hex')}`;
    const onA = new Inbox('a1');
    const onB1 = new Inbox('b1');
    const onB2 = new Inbox('b2');
    a.subscribe(onA, 's', destination);
    b.subscribe(onB1, 's', destination);
    b.subscribe(onB2, 's', destination);
    await Promise.all([a.whenSubscribed(), b.whenSubscribed()]);

    a.publish(createMessage(destination, '{"text":"hi"}', [['content-type', 'application/json'], ['chat-id', '7']]));
    a.publish(createMessage(destination, 'second'));
    await Promise.all([onA.waitFor(2), onB1.waitFor(2), onB2.waitFor(2)]);

    for (const inbox of [onA, onB1, onB2]) assert.deepEqual(inbox.bodies(), ['{"text":"hi"}', 'second']);
    const first = onB1.messages[0];
    assert.equal(first.destination, destination);
    assert.equal(first.headers.get('content-type'), 'application/json');
    assert.equal(first.headers.get('chat-id'), '7');
    assert.equal(first, onB2.messages[0], 'one BrokerMessage per upstream MESSAGE, shared by the node');
    assert.notEqual(first, onA.messages[0]);
  });

  it('keeps /queue destinations fan-out across nodes (not competing consumers)', async () => {
    const a = await node();
    const b = await node();
    const destination = `/queue/fanout-${randomBytes(4).toString('hex')}`;
    const onA = new Inbox('a');
    const onB = new Inbox('b');
    a.subscribe(onA, 's', destination);
    b.subscribe(onB, 's', destination);
    await Promise.all([a.whenSubscribed(), b.whenSubscribed()]);
    for (let i = 0; i < 10; i++) b.publish(createMessage(destination, `m${i}`));
    await Promise.all([onA.waitFor(10), onB.waitFor(10)]);
    assert.deepEqual(onA.bodies(), onB.bodies());
  });

  it('goes down when the connection is cut, reconnects, subscribes again and delivers', async () => {
    const proxy = await startProxy();
    try {
      const cutNode = await node(`stomp://guest:guest@127.0.0.1:${proxy.port}`);
      const other = await node();
      assert.equal(cutNode.health().up, true);
      const destination = `/topic/reconnect-${randomBytes(4).toString('hex')}`;
      const inbox = new Inbox('s');
      cutNode.subscribe(inbox, 'x', destination);
      await cutNode.whenSubscribed();
      other.publish(createMessage(destination, 'before'));
      await inbox.waitFor(1);

      // Keep it down for a moment: close the listener too, so reconnect attempts fail.
      const port = proxy.port;
      await proxy.close();
      await nextHealth(cutNode, false);
      assert.match(cutNode.health().detail ?? '', /unreachable/);

      const again = await startProxy(port);
      try {
        await nextHealth(cutNode, true);
        await cutNode.whenSubscribed();
        other.publish(createMessage(destination, 'after'));
        await inbox.waitFor(2);
        assert.deepEqual(inbox.bodies(), ['before', 'after']);
      } finally {
        await again.close();
      }
    } finally {
      await proxy.close().catch(() => {});
    }
  });

  it('reports the broker refusing bad credentials as down, and start() still returns', async () => {
    const host = new URL(RELAY_URL.replace(/^stomp:/, 'http:')).host;
    const broker = await node(`stomp://guest:wrong-password@${host}`);
    assert.equal(broker.health().up, false);
    assert.match(broker.health().detail ?? '', /refused|closed|ERROR/i);
  });

  it('sends to a user on every node where the user has sessions, and to nobody else', async () => {
    const alice = `alice-${randomBytes(4).toString('hex')}`;
    const bob = `bob-${randomBytes(4).toString('hex')}`;
    const makeNode = async () => {
      const broker = await node();
      const sessions = new UserSessionRegistry();
      const users = new UserDestinations(sessions);
      new UserBroadcastListener(broker, users).attach();
      const template = new MessagingTemplate(broker, users);
      const session = (sessionId: string, user: string) => {
        sessions.add(user, sessionId);
        const inbox = new Inbox(sessionId);
        broker.subscribe(inbox, 'm', users.resolveSubscribe('/user/queue/messages', sessionId).brokerDestination);
        return inbox;
      };
      return { broker, template, session };
    };
    const a = await makeNode();
    const b = await makeNode();
    const aliceOnA = a.session(`sa-${alice}`, alice);
    const aliceOnB = b.session(`sb-${alice}`, alice);
    const bobOnB = b.session(`sb-${bob}`, bob);
    await Promise.all([a.broker.whenSubscribed(), b.broker.whenSubscribed()]);

    a.template.convertAndSendToUser(alice, '/queue/messages', { text: 'for alice' });
    await Promise.all([aliceOnA.waitFor(1), aliceOnB.waitFor(1)]);
    a.template.convertAndSendToUser(bob, '/queue/messages', { text: 'for bob' });
    await bobOnB.waitFor(1);

    assert.deepEqual(aliceOnA.bodies(), ['{"text":"for alice"}']);
    assert.deepEqual(aliceOnB.bodies(), ['{"text":"for alice"}']);
    assert.deepEqual(bobOnB.bodies(), ['{"text":"for bob"}']);
    assert.equal(aliceOnB.messages[0].headers.get('content-type'), 'application/json');
    assert.equal(aliceOnB.messages[0].headers.get(USER_TARGET_HEADER), undefined);
  });
});
