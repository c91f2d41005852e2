// #2: the seed's flow and the broker's features through real STOMP clients over ws://HOST:PORT/chat.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Client, type IMessage, type StompSubscription } from '@stomp/stompjs';
import { startServer, type RunningServer } from '../support/server';

// The classic client of the seed page (stomp.js 2.3.3); it has no typings.
const Stomp = require('stompjs') as { over(ws: unknown): ClassicClient };
interface ClassicClient {
  heartbeat: { outgoing: number; incoming: number };
  debug: ((s: string) => void) | null;
  connect(headers: Record<string, string>, ok: (frame: unknown) => void, fail?: (e: unknown) => void): void;
  subscribe(dest: string, cb: (m: { body: string; headers: Record<string, string> }) => void, headers?: Record<string, string>): { unsubscribe(): void };
  send(dest: string, headers: Record<string, string>, body: string): void;
  disconnect(cb?: () => void): void;
}

let server: RunningServer;
before(async () => {
  server = await startServer({ RATE_LIMIT_PER_SEC: '0' });
});
after(async () => {
  assert.equal(await server.stop(), 0, 'SIGTERM ends the server with exit code 0');
});

async function modern(login?: string): Promise<Client> {
  const client = new Client({
    webSocketFactory: () => new WebSocket(`${server.wsUrl}/chat`, ['v12.stomp', 'v11.stomp', 'v10.stomp']),
    connectHeaders: login ? { login } : {},
    reconnectDelay: 0,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.onConnect = () => resolve();
    client.onStompError = (f) => reject(new Error(f.headers.message));
    client.onWebSocketError = () => reject(new Error('websocket error'));
    client.activate();
  });
  return client;
}

function collect(client: Client, destination: string, headers: Record<string, string> = {}): { messages: IMessage[]; sub: StompSubscription; next(n?: number): Promise<IMessage[]> } {
  const messages: IMessage[] = [];
  let waiters: (() => void)[] = [];
  const sub = client.subscribe(destination, (m) => {
    messages.push(m);
    const w = waiters; waiters = []; w.forEach((f) => f());
  }, headers);
  return {
    messages,
    sub,
    async next(n = 1) {
      const deadline = Date.now() + 5_000;
      while (messages.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} messages on ${destination}, got ${messages.length}`);
        await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 100); });
      }
      return messages;
    },
  };
}

/** A RECEIPT for a SUBSCRIBE means the server registered it: no sleeping needed before publishing. */
async function subscribed(client: Client, destination: string, headers: Record<string, string> = {}) {
  const receipt = `sub-${Math.random()}`;
  const done = new Promise<void>((resolve) => client.watchForReceipt(receipt, () => resolve()));
  const c = collect(client, destination, { ...headers, receipt });
  await done;
  return c;
}

function sendWithReceipt(client: Client, destination: string, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  const receipt = `r-${Math.random()}`;
  const done = new Promise<void>((resolve) => client.watchForReceipt(receipt, () => resolve()));
  client.publish({ destination, body: JSON.stringify(body), headers: { ...headers, receipt } });
  return done;
}

describe('the seed flow: SEND /app/chat → /topic/messages', () => {
  it('works with @stomp/stompjs', async () => {
    const a = await modern();
    const b = await modern();
    const sub = await subscribed(b, '/topic/messages');
    await sendWithReceipt(a, '/app/chat', { from: 'ann', text: 'hello from stompjs 7' });
    const [m] = await sub.next(1);
    const body = JSON.parse(m!.body);
    assert.equal(body.from, 'ann');
    assert.equal(body.text, 'hello from stompjs 7');
    assert.match(body.time, /^\d{2}:\d{2}$/);
    assert.equal(m!.headers['content-type'], 'application/json');
    await a.deactivate();
    await b.deactivate();
  });

  it('works with the classic stompjs 2.3.3 (the seed page client)', async () => {
    const ws = new WebSocket(`${server.wsUrl}/chat`, ['v10.stomp', 'v11.stomp']);
    const client = Stomp.over(ws);
    client.debug = null;
    client.heartbeat = { outgoing: 0, incoming: 0 };
    await new Promise((resolve, reject) => client.connect({}, resolve, reject));
    const got = new Promise<{ from: string; text: string; time: string }>((resolve) => {
      client.subscribe('/topic/messages', (m) => resolve(JSON.parse(m.body)), { receipt: 'classic-sub' });
    });
    // The classic client has no receipt callback API; a second modern client proves the subscription is live.
    const other = await modern();
    await sendWithReceipt(other, '/app/chat', { from: 'classic', text: 'hi 2.3.3' });
    const body = await got;
    assert.deepEqual({ from: body.from, text: body.text }, { from: 'classic', text: 'hi 2.3.3' });
    assert.match(body.time, /^\d{2}:\d{2}$/);
    await new Promise<void>((resolve) => client.disconnect(resolve));
    await other.deactivate();
  });
});

describe('rooms, history and since-id', () => {
  it('stores room messages, replies to history once, and replays since-id before live', async () => {
    const room = `r${Date.now()}`;
    const a = await modern('alice');
    const live = await subscribed(a, `/topic/rooms/${room}`);
    await sendWithReceipt(a, `/app/rooms/${room}`, { text: 'one' });
    await sendWithReceipt(a, `/app/rooms/${room}`, { text: 'two', from: 'ignored' });
    const [m1, m2] = await live.next(2);
    const first = JSON.parse(m1!.body);
    const second = JSON.parse(m2!.body);
    assert.equal(first.from, 'alice', 'a logged-in sender is the principal');
    assert.equal(second.from, 'alice');
    assert.ok(second.id > first.id);
    assert.equal(first.room, room);
    assert.ok(!Number.isNaN(Date.parse(first.sentAt)));

    const history = collect(a, `/app/rooms/${room}/history`, { limit: '1' });
    const [h] = await history.next(1);
    const items = JSON.parse(h!.body);
    assert.deepEqual(items.map((x: { text: string }) => x.text), ['two'], 'limit 1 → the latest message');

    const b = await modern();
    const replay = collect(b, `/topic/rooms/${room}`, { 'since-id': String(first.id - 1) });
    const got = await replay.next(2);
    assert.deepEqual(got.map((m) => JSON.parse(m.body).id), [first.id, second.id]);
    await sendWithReceipt(a, `/app/rooms/${room}`, { text: 'three' });
    const all = await replay.next(3);
    assert.deepEqual(all.map((m) => JSON.parse(m.body).text), ['one', 'two', 'three']);
    await a.deactivate();
    await b.deactivate();
  });
});

describe('user destinations and errors', () => {
  it('a DM reaches every session of the user and the sender, nobody else', async () => {
    const bob1 = await modern('bob');
    const bob2 = await modern('bob');
    const carol = await modern('carol');
    const dave = await modern('dave');
    const s1 = await subscribed(bob1, '/user/queue/messages');
    const s2 = await subscribed(bob2, '/user/queue/messages');
    const sc = await subscribed(carol, '/user/queue/messages');
    const sd = await subscribed(dave, '/user/queue/messages');
    await sendWithReceipt(carol, '/app/dm/bob', { text: 'psst' });
    const [m1] = await s1.next(1);
    const [m2] = await s2.next(1);
    const [mc] = await sc.next(1);
    for (const m of [m1!, m2!, mc!]) {
      assert.equal(JSON.parse(m.body).text, 'psst');
      assert.equal(JSON.parse(m.body).from, 'carol');
      assert.equal(m.headers.destination, '/user/queue/messages');
    }
    // dave is subscribed too and must get nothing: send him his own DM and check it is the only one.
    await sendWithReceipt(dave, '/app/dm/dave', { text: 'note to self' });
    const [md] = await sd.next(1);
    assert.equal(JSON.parse(md!.body).text, 'note to self');
    assert.equal(sd.messages.length, 1);
    for (const c of [bob1, bob2, carol, dave]) await c.deactivate();
  });

  it('validation failures go to /user/queue/errors with the receipt id, and store nothing', async () => {
    const a = await modern();
    const errors = await subscribed(a, '/user/queue/errors');
    const room = `e${Date.now()}`;
    a.publish({ destination: `/app/rooms/${room}`, body: JSON.stringify({ from: 'x', text: '   ' }), headers: { receipt: 'bad-1' } });
    a.publish({ destination: `/app/rooms/${room}`, body: 'not json', headers: { receipt: 'bad-2' } });
    a.publish({ destination: '/app/rooms/bad room!', body: JSON.stringify({ from: 'x', text: 'hi' }), headers: { receipt: 'bad-3' } });
    a.publish({ destination: '/topic/rooms/sneaky', body: 'direct', headers: { receipt: 'bad-4' } });
    const got = (await errors.next(4)).map((m) => JSON.parse(m.body));
    const byReceipt = new Map(got.map((e) => [e.receiptId, e]));
    assert.equal(byReceipt.get('bad-1').error, 'invalid-text');
    assert.equal(byReceipt.get('bad-2').error, 'bad-json');
    assert.equal(byReceipt.get('bad-3').error, 'invalid-room');
    assert.equal(byReceipt.get('bad-4').error, 'forbidden-destination');
    for (const e of got) assert.equal(typeof e.message, 'string');
    const stored = await (await fetch(`${server.url}/api/rooms/${room}/messages`)).json();
    assert.deepEqual(stored, []);
    await a.deactivate();
  });
});

describe('transactions and plain broker destinations', () => {
  it('delivers committed SENDs and never aborted ones', async () => {
    const a = await modern();
    const sub = await subscribed(a, '/topic/tx-test');
    const t1 = a.begin();
    a.publish({ destination: '/topic/tx-test', body: 'aborted', headers: { transaction: t1.id } });
    t1.abort();
    const t2 = a.begin();
    a.publish({ destination: '/topic/tx-test', body: 'committed', headers: { transaction: t2.id } });
    t2.commit();
    await sendWithReceipt(a, '/topic/tx-test', 'after');
    const got = await sub.next(2);
    assert.deepEqual(got.map((m) => m.body), ['committed', '"after"'], 'the aborted SEND never arrives');
    await a.deactivate();
  });
});
