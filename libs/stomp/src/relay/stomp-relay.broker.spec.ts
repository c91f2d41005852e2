import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { createMessage, type BrokerMessage } from '@app/messaging';
import { StompDecoder, encodeFrame, frame, type StompFrame } from '@app/stomp-codec';
import { StompRelayBroker } from './stomp-relay.broker';

/**
 * A scripted STOMP server on loopback, standing in for RabbitMQ where the test needs to see or control
 * the wire: which frames the relay sends, a broker that goes silent, a broker that answers ERROR.
 */
class FakeBroker {
  readonly frames: StompFrame[] = [];
  readonly sockets: Socket[] = [];
  heartbeat = '0,0';
  silent = false;
  private waiters: { test: (f: StompFrame) => boolean; resolve: (f: StompFrame) => void }[] = [];
  private readonly server: Server = createServer((socket) => this.accept(socket));

  async listen(): Promise<number> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as { port: number }).port;
  }

  /** Resolves with the next (or an already received) frame that passes `test`. */
  next(test: (f: StompFrame) => boolean, after = 0): Promise<StompFrame> {
    const seen = this.frames.slice(after).find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  send(socket: Socket, out: StompFrame): void {
    socket.write(encodeFrame(out, '1.2'));
  }

  close(): Promise<void> {
    this.sockets.forEach((s) => s.destroy());
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.push(socket);
    socket.on('error', () => {});
    const beat = setInterval(() => !this.silent && socket.write('\n'), 20);
    socket.on('close', () => clearInterval(beat));
    const decoder = new StompDecoder({}, { commands: 'client' });
    socket.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) {
        this.frames.push(f);
        this.waiters = this.waiters.filter((w) => (w.test(f) ? (w.resolve(f), false) : true));
        if (this.silent) continue;
        if (f.command === 'CONNECT') {
          if (f.headers.get('passcode') === 'wrong') {
            this.send(socket, frame('ERROR', { message: 'Bad CONNECT' }, 'Access refused'));
            socket.end();
          } else this.send(socket, frame('CONNECTED', { version: '1.2', 'heart-beat': this.heartbeat }));
        }
        const receipt = f.headers.get('receipt');
        if (receipt !== undefined) this.send(socket, frame('RECEIPT', { 'receipt-id': receipt }));
      }
    });
  }
}

const quiet = { onDeliveryError: () => {}, reconnectDelayMs: 20, maxReconnectDelayMs: 50 };
const command = (name: string) => (f: StompFrame) => f.command === name;

describe('StompRelayBroker on the wire', { timeout: 20_000 }, () => {
  let fake: FakeBroker;
  let relay: StompRelayBroker | undefined;
  afterEach(async () => {
    await relay?.stop();
    await fake.close();
  });

  async function setup(url = (port: number) => `stomp://alice:s3cret@127.0.0.1:${port}/vh`, extra = {}) {
    fake = new FakeBroker();
    const port = await fake.listen();
    relay = new StompRelayBroker({ url: url(port), ...quiet, ...extra });
    return relay;
  }

  it('connects with credentials, virtual host and heart-beat, then is healthy', async () => {
    const broker = await setup();
    await broker.start();
    const connect = await fake.next(command('CONNECT'));
    assert.equal(connect.headers.get('login'), 'alice');
    assert.equal(connect.headers.get('passcode'), 's3cret');
    assert.equal(connect.headers.get('host'), 'vh');
    assert.equal(connect.headers.get('accept-version'), '1.2');
    assert.equal(connect.headers.get('heart-beat'), '10000,10000');
    assert.equal(broker.health().up, true);
  });

  it('subscribes upstream once per destination and unsubscribes with the last local subscriber', async () => {
    const broker = await setup();
    await broker.start();
    const noop = (sessionId: string) => ({ sessionId, deliver: () => {} });
    broker.subscribe(noop('a'), '1', '/topic/rooms/x');
    broker.subscribe(noop('b'), '1', '/topic/rooms/x');
    broker.subscribe(noop('c'), '1', '/topic/rooms/x');
    await broker.whenSubscribed();
    const subscribes = fake.frames.filter(command('SUBSCRIBE'));
    assert.equal(subscribes.length, 1);
    assert.equal(subscribes[0].headers.get('destination'), '/topic/topic.rooms.x');
    broker.unsubscribe('a', '1');
    broker.unsubscribeAll('b');
    assert.equal(fake.frames.filter(command('UNSUBSCRIBE')).length, 0);
    broker.unsubscribe('c', '1');
    const unsubscribe = await fake.next(command('UNSUBSCRIBE'));
    assert.equal(unsubscribe.headers.get('id'), subscribes[0].headers.get('id'));
  });

  it('sends publishes upstream only, without framing headers smuggled in as application headers', async () => {
    const broker = await setup();
    await broker.start();
    let local = 0;
    broker.subscribe({ sessionId: 's', deliver: () => local++ }, '1', '/topic/t');
    await broker.whenSubscribed();
    broker.publish(createMessage('/topic/t', 'hi', [['destination', '/topic/other'], ['reply-to', '/temp-queue/x'], ['chat-id', '1']]));
    const send = await fake.next(command('SEND'));
    assert.equal(send.headers.get('destination'), '/topic/topic.t');
    assert.equal(send.headers.get('reply-to'), undefined);
    assert.equal(send.headers.get('chat-id'), '1');
    assert.equal(send.body.toString(), 'hi');
    assert.equal(local, 0, 'local subscribers get it when it comes back, not before');
  });

  it('checks every outbound frame: a message built by hand with user-id still leaves without it (#10)', async () => {
    const broker = await setup();
    await broker.start();
    const headers = new Map([['user-id', 'somebody'], ['priority', 'high'], ['x-message-ttl', '1'], ['note', 'kept']]);
    broker.publish({ id: 'hand-made', destination: '/topic/t', headers, body: Buffer.from('hi'), isText: true, encodings: new Map() });
    const send = await fake.next(command('SEND'));
    assert.deepEqual([...send.headers.keys()].sort(), ['content-length', 'destination', 'note']);
  });

  it('comes back at once, subscribed again, when the broker answers ERROR and closes (#10)', async () => {
    const broker = await setup(undefined, { reconnectDelayMs: 2_000, maxReconnectDelayMs: 5_000 });
    await broker.start();
    broker.subscribe({ sessionId: 'a', deliver: () => {} }, '1', '/topic/t');
    await broker.whenSubscribed();
    await new Promise((r) => setTimeout(r, 1_050)); // a connection that has worked for a while
    const before = fake.frames.length;
    const lostAt = Date.now();
    fake.send(fake.sockets[0], frame('ERROR', { message: 'precondition_failed' }, 'refused'));
    fake.sockets[0].end();
    const resubscribe = await fake.next(command('SUBSCRIBE'), before);
    await broker.whenSubscribed();
    const back = Date.now() - lostAt;
    assert.equal(resubscribe.headers.get('destination'), '/topic/topic.t');
    assert.ok(back < 500, `back after ${back} ms, not after the 2 s backoff`);
    assert.equal(broker.health().up, true);
    assert.match(broker.health().detail ?? '', /lost 1 time\(s\), last: broker ERROR: precondition_failed/);
  });

  it('delivers a MESSAGE from the broker to local subscribers as one shared BrokerMessage', async () => {
    const broker = await setup();
    await broker.start();
    const got: BrokerMessage[] = [];
    broker.subscribe({ sessionId: 'a', deliver: (m) => got.push(m) }, '1', '/queue/q');
    broker.subscribe({ sessionId: 'b', deliver: (m) => got.push(m) }, '1', '/queue/q');
    const subscribe = await fake.next(command('SUBSCRIBE'));
    fake.send(fake.sockets[0], frame('MESSAGE', {
      subscription: subscribe.headers.get('id')!, 'message-id': 'm1', destination: '/topic/queue.q', 'content-type': 'text/plain',
    }, 'hello'));
    fake.send(fake.sockets[0], frame('MESSAGE', { subscription: 'unknown', 'message-id': 'm2', destination: '/topic/x' }, 'stray'));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => got.length >= 2 && (clearInterval(poll), resolve()), 5);
    });
    assert.equal(got[0], got[1]);
    assert.equal(got[0].destination, '/queue/q');
    assert.deepEqual([...got[0].headers], [['content-type', 'text/plain']]);
  });

  it('reconnects and subscribes again when the broker stops sending heart-beats', async () => {
    const broker = await setup(undefined, { heartbeatMs: 40, connectTimeoutMs: 200 });
    fake.heartbeat = '40,40';
    await broker.start();
    broker.subscribe({ sessionId: 'a', deliver: () => {} }, '1', '/topic/t');
    await broker.whenSubscribed();
    const before = fake.frames.length;
    fake.silent = true; // the broker hangs: no heart-beats, no frames
    const down = new Promise<void>((resolve) => {
      const poll = setInterval(() => !broker.health().up && (clearInterval(poll), resolve()), 5);
    });
    await down;
    fake.silent = false;
    const resubscribe = await fake.next(command('SUBSCRIBE'), before);
    assert.equal(resubscribe.headers.get('destination'), '/topic/topic.t');
    await broker.whenSubscribed();
    assert.equal(broker.health().up, true);
    assert.equal(fake.sockets.length >= 2, true);
  });

  it('says live() again to every local subscriber after a reconnect, before any message of the new connection (#12)', async () => {
    const broker = await setup();
    await broker.start();
    const events: string[] = [];
    const subscriber = (sessionId: string) => ({
      sessionId,
      deliver: (m: BrokerMessage) => events.push(`${sessionId} got ${m.body.toString()}`),
      live: () => events.push(`${sessionId} live`),
    });
    broker.subscribe(subscriber('a'), '1', '/topic/t');
    broker.subscribe(subscriber('b'), '1', '/topic/t');
    await broker.whenSubscribed('/topic/t');
    assert.deepEqual(events, ['a live', 'b live']);
    fake.silent = true; // the next SUBSCRIBE gets no RECEIPT: only a MESSAGE can tell it is live
    const before = fake.frames.length;
    fake.sockets[0].destroy();
    await fake.next(command('CONNECT'), before);
    const socket = fake.sockets[fake.sockets.length - 1];
    fake.send(socket, frame('CONNECTED', { version: '1.2', 'heart-beat': '0,0' }));
    const resubscribe = await fake.next(command('SUBSCRIBE'), before);
    assert.deepEqual(events.slice(2), [], 'not live while the upstream subscription is unconfirmed');
    fake.send(socket, frame('MESSAGE', {
      subscription: resubscribe.headers.get('id')!, 'message-id': 'm1', destination: '/topic/topic.t',
    }, 'first after'));
    await broker.whenSubscribed('/topic/t');
    assert.deepEqual(events.slice(2), ['a live', 'b live', 'a got first after', 'b got first after']);
  });

  it('stays down with the broker\'s reason when CONNECT is refused, and drops publishes', async () => {
    const broker = await setup((port) => `stomp://alice:wrong@127.0.0.1:${port}`);
    await broker.start();
    assert.equal(broker.health().up, false);
    assert.match(broker.health().detail ?? '', /Bad CONNECT/);
    broker.publish(createMessage('/topic/t', 'lost'));
    assert.equal(broker.dropped, 1);
    assert.equal(fake.frames.filter(command('SEND')).length, 0);
  });

  it('refuses a destination it cannot relay without touching the connection', async () => {
    const broker = await setup();
    await broker.start();
    assert.throws(() => broker.subscribe({ sessionId: 'a', deliver: () => {} }, '1', '/topic/' + 'x'.repeat(300)), {
      name: 'RelayDestinationError',
    });
    assert.equal(broker.subscriptionCount('a'), 0);
    assert.equal(broker.health().up, true);
  });
});
