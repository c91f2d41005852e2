// Mission: two server processes share subscribers through RabbitMQ's STOMP plugin (BROKER_RELAY), on one
// PostgreSQL database: a chat message posted on node A reaches STOMP, SSE and user-queue subscribers on node B.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';

const RELAY = 'stomp://guest:guest@127.0.0.1:61613';
const db = `chat_relay_${process.pid}_${Date.now()}`;
let a: RunningServer;
let b: RunningServer;

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

before(async () => {
  await admin((c) => c.query(`CREATE DATABASE ${db}`));
  const env = { DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`, BROKER_RELAY: RELAY, RATE_LIMIT_PER_SEC: '0' };
  // One after the other, with room for a busy machine (a failed start leaves nothing running).
  a = await startServer(env, 60_000);
  b = await startServer(env, 60_000);
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
});

async function client(server: RunningServer, login?: string): Promise<RawStomp> {
  const c = await RawStomp.open(`${server.wsUrl}/chat`);
  await c.connect({ 'heart-beat': '0,0', ...(login ? { login } : {}) });
  return c;
}

describe('BROKER_RELAY across two nodes', () => {
  it('reports the relay in /health on both nodes', async () => {
    for (const s of [a, b]) {
      const health = await (await fetch(`${s.url}/health`)).json();
      assert.equal(health.status, 'ok');
    }
  });

  it('a room message from node A reaches STOMP subscribers on both nodes once, with the same id', async () => {
    const room = `relay${Date.now()}`;
    const onA = await client(a);
    const onB = await client(b);
    for (const c of [onA, onB]) {
      c.send(f('SUBSCRIBE', { id: 'r', destination: `/topic/rooms/${room}`, receipt: 's' }));
      await c.command('RECEIPT');
    }
    onA.send(f('SEND', { destination: `/app/rooms/${room}`, receipt: 'm' }, JSON.stringify({ from: 'ann', text: 'across nodes' })));
    const [ma, mb] = await Promise.all([onA.command('MESSAGE'), onB.command('MESSAGE')]);
    assert.deepEqual(JSON.parse(mb.body.toString()), JSON.parse(ma.body.toString()));
    assert.equal(JSON.parse(mb.body.toString()).text, 'across nodes');
    // And node B's history (same database) has it.
    const stored = await (await fetch(`${b.url}/api/rooms/${room}/messages`)).json();
    assert.equal(stored.length, 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(onB.frames.filter((x) => x.command === 'MESSAGE').length, 1, 'delivered once');
    onA.close();
    onB.close();
  });

  it('a DM sent on node A reaches the user\'s session on node B', async () => {
    const sender = await client(a, 'ann');
    const receiver = await client(b, 'bea');
    receiver.send(f('SUBSCRIBE', { id: 'dm', destination: '/user/queue/messages', receipt: 's' }));
    await receiver.command('RECEIPT');
    sender.send(f('SEND', { destination: '/app/dm/bea', receipt: 'd' }, JSON.stringify({ text: 'hi bea' })));
    const m = await receiver.command('MESSAGE');
    assert.equal(JSON.parse(m.body.toString()).text, 'hi bea');
    assert.equal(m.headers.get('destination'), '/user/queue/messages');
    sender.close();
    receiver.close();
  });

  it('a plain /topic message and a REST post on B reach a subscriber on A', async () => {
    const room = `relayrest${Date.now()}`;
    const onA = await client(a);
    onA.send(f('SUBSCRIBE', { id: 't', destination: '/topic/plain' }) + f('SUBSCRIBE', { id: 'r', destination: `/topic/rooms/${room}`, receipt: 's' }));
    await onA.command('RECEIPT');
    const onB = await client(b);
    onB.send(f('SEND', { destination: '/topic/plain', 'content-type': 'text/plain' }, 'plain hello'));
    const plain = await onA.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === 't');
    assert.equal(plain.body.toString(), 'plain hello');
    const res = await fetch(`${b.url}/api/rooms/${room}/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'rest', text: 'via REST on B' }),
    });
    assert.equal(res.status, 201);
    const posted = await res.json();
    const m = await onA.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === 'r');
    assert.equal(JSON.parse(m.body.toString()).id, posted.id);
    onA.close();
    onB.close();
  });
});
