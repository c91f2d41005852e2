// #12 item 2: no loss while the relay is away. Two nodes on one PostgreSQL and one RabbitMQ; node B's relay
// connection is closed from RabbitMQ's side (rabbitmqctl, the STOMP plugin's close_connection) and kept away for a while
// (a connection limit of 0 for node B's RabbitMQ user) while node A posts receipted messages. B's
// subscribers, STOMP and SSE, must get every message once, in id order, once the relay is back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { SseClient } from '../http/sse-client';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';

const run = promisify(execFile);
const db = `chat_outage_${process.pid}_${Date.now()}`;
// Node B has its own RabbitMQ user, so that its connection, and only its, can be found and cut.
const userB = `relay_b_${process.pid}_${randomBytes(3).toString('hex')}`;
const passB = randomBytes(8).toString('hex');
let a: RunningServer;
let b: RunningServer;

async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });
  return stdout;
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Closes every STOMP connection of `user` from RabbitMQ's side (STOMP connections are not in
 * list_connections, so close_connection cannot name them); resolves with how many there were.
 */
async function closeConnectionsOf(user: string): Promise<number> {
  assert.match(user, /^[a-z0-9_]+$/);
  const closed = await rabbitmqctl('eval', `[rabbit_stomp_reader:close_connection(P, "test: relay outage (#12)") || P <- rabbit_stomp:list(), ` +
    `proplists:get_value(auth_login, rabbit_stomp_reader:info(P, [auth_login])) =:= <<"${user}">>].`);
  return (closed.match(/ok/g) ?? []).length;
}

async function ready(server: RunningServer): Promise<{ status: number; body: { status: string; broker: { status: string; detail?: string } } }> {
  const res = await fetch(`${server.url}/health/ready`);
  return { status: res.status, body: await res.json() };
}

async function until(test: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  await admin((c) => c.query(`CREATE DATABASE ${db}`));
  await rabbitmqctl('add_user', userB, passB);
  await rabbitmqctl('set_permissions', '-p', '/', userB, '.*', '.*', '.*');
  const env = { DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`, RATE_LIMIT_PER_SEC: '0' };
  // One after the other, with room for a busy machine: a failed start leaves nothing running.
  a = await startServer({ ...env, BROKER_RELAY: 'stomp://guest:guest@127.0.0.1:61613' }, 60_000);
  b = await startServer({ ...env, BROKER_RELAY: `stomp://${userB}:${passB}@127.0.0.1:61613` }, 60_000);
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await rabbitmqctl('delete_user', userB).catch(() => '');
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
});

describe('relay outage on one node (#12)', { timeout: 240_000 }, () => {
  it('node B\'s subscribers get every message stored while its relay was away, once, in id order; /health/ready says so', async () => {
    const room = `outage${randomBytes(4).toString('hex')}`;
    const subscriber = await RawStomp.open(`${b.wsUrl}/chat`);
    await subscriber.connect({ 'heart-beat': '0,0' });
    subscriber.send(f('SUBSCRIBE', { id: 'r', destination: `/topic/rooms/${room}`, receipt: 'sub' }));
    await subscriber.command('RECEIPT');
    const sse = await SseClient.open(`${b.url}/sse/rooms/${room}`);
    const poster = await RawStomp.open(`${a.wsUrl}/chat`);
    await poster.connect({ 'heart-beat': '0,0' });

    let sent = 0;
    /** Posts `n` messages on node A, ~5 ms apart, and waits for every RECEIPT (each means: stored). */
    const post = async (n: number) => {
      const receipts: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) {
        const k = ++sent;
        poster.send(f('SEND', { destination: `/app/rooms/${room}`, receipt: `p${k}` }, JSON.stringify({ from: 'ann', text: `m${k}` })));
        receipts.push(poster.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === `p${k}`, 20_000));
        await new Promise((r) => setTimeout(r, 5));
      }
      await Promise.all(receipts);
    };
    const stompIds = () => subscriber.frames.filter((x) => x.command === 'MESSAGE').map((x) => JSON.parse(x.body.toString()).id as number);
    const sseIds = () => sse.messages.map((m) => m.id);

    // Live first.
    await post(20);
    await until(() => stompIds().length >= 20 && sseIds().length >= 20, 20_000, 'the live messages');

    // Away: B's connection is closed by RabbitMQ and B may not connect again for now.
    await rabbitmqctl('set_user_limits', userB, '{"max-connections": 0}');
    assert.equal(await closeConnectionsOf(userB), 1, 'node B had one relay connection');
    const cutAt = Date.now();
    await until(async () => (await ready(b)).status === 503, 20_000, 'node B to report the relay down');
    const down = await ready(b);
    assert.equal(down.body.broker.status, 'down');
    assert.match(down.body.broker.detail ?? '', /unreachable/);
    assert.equal((await fetch(`${b.url}/health/live`)).status, 200, '/health/live stays 200');
    assert.equal((await ready(a)).status, 200, 'node A is unaffected');

    await post(60);
    // A post on B itself while its relay is away is still stored and acknowledged.
    const onB = await fetch(`${b.url}/api/rooms/${room}/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'bea', text: 'while away' }),
    });
    assert.equal(onB.status, 201);
    assert.equal((await ready(b)).status, 503, 'still away while A posted');
    const duringOutage = stompIds().length;

    // Back, after at least 5 s away.
    await new Promise((r) => setTimeout(r, Math.max(0, 5_000 - (Date.now() - cutAt))));
    await rabbitmqctl('clear_user_limits', userB, 'max-connections');
    const unblocked = Date.now();
    await until(async () => (await ready(b)).status === 200, 60_000, 'node B to reconnect');
    const back = Date.now();
    const stored = (await (await fetch(`${a.url}/api/rooms/${room}/messages?limit=500`)).json()) as { id: number }[];
    assert.equal(stored.length, 81);
    await until(() => stompIds().length >= 81 && sseIds().length >= 81, 20_000, 'the subscribers to catch up');
    const caughtUp = Date.now();

    // And live again after the recovery.
    await post(20);
    await until(() => stompIds().length >= 101 && sseIds().length >= 101, 20_000, 'live messages after the outage');
    await new Promise((r) => setTimeout(r, 300));

    const all = ((await (await fetch(`${a.url}/api/rooms/${room}/messages?limit=500`)).json()) as { id: number }[]).map((m) => m.id);
    assert.equal(all.length, 101);
    assert.deepEqual(stompIds(), all, 'STOMP: every stored message once, in id order');
    assert.deepEqual(sseIds(), all, 'SSE: every stored message once, in id order');
    assert.ok(duringOutage <= 20, 'nothing arrived while the relay was away');
    console.log(`# relay outage of ${back - cutAt} ms: ${back - unblocked} ms from unblocked to /health/ready 200, ` +
      `${caughtUp - back} ms from then until B's subscribers had all ${81 - duringOutage} missed messages`);

    subscriber.close();
    poster.close();
    sse.close();
  });
});
