// #12 item 4: cluster-wide state over the relay. Who is signed in (the DM name check) and server
// disconnects reach every node; a node killed with -9 stops counting its users within three periods.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { bearer, signToken } from '../support/tokens';
import { RELAY, pgAdmin as admin } from './support/cluster';

const SECRET = 'cluster-users-secret-0123456789abcdef';
const PERIOD_MS = 300;
const db = `chat_cluster_${process.pid}_${Date.now()}`;
let a: RunningServer;
let b: RunningServer;

let authA: RunningServer;
let authB: RunningServer;

before(async () => {
  await admin((c) => c.query(`CREATE DATABASE ${db}`));
  const env = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`, BROKER_RELAY: RELAY, RATE_LIMIT_PER_SEC: '0',
    USER_REGISTRY_BROADCAST_MS: String(PERIOD_MS),
  };
  // Anonymous deployments (the DM name check) and signed-in ones (admin disconnect): two pairs.
  a = await startServer(env, 60_000);
  b = await startServer(env, 60_000);
  authA = await startServer({ ...env, AUTH_TOKEN_SECRET: SECRET }, 60_000);
  authB = await startServer({ ...env, AUTH_TOKEN_SECRET: SECRET }, 60_000);
});
after(async () => {
  await Promise.all([a, b, authA, authB].map((s) => s?.stop()));
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
});

async function stomp(server: RunningServer, headers: Record<string, string> = {}): Promise<RawStomp> {
  const c = await RawStomp.open(`${server.wsUrl}/chat`);
  await c.connect({ 'heart-beat': '0,0', ...headers });
  return c;
}

/** What an anonymous DM signed `from` answers: the error code, or undefined when it was delivered. */
async function dmAs(sender: RawStomp, from: string): Promise<string | undefined> {
  const mark = sender.frames.length;
  const receipt = `dm${mark}`;
  sender.send(f('SEND', { destination: '/app/dm/someone', receipt }, JSON.stringify({ from, text: 'hi' })));
  const reply = await sender.next((x) => x.command === 'MESSAGE', 5_000, mark);
  return (JSON.parse(reply.body.toString()) as { error?: string }).error;
}

async function anonymous(server: RunningServer): Promise<RawStomp> {
  const c = await stomp(server);
  c.send(f('SUBSCRIBE', { id: 'e', destination: '/user/queue/errors' }));
  c.send(f('SUBSCRIBE', { id: 'm', destination: '/user/queue/messages', receipt: 'ready' }));
  await c.command('RECEIPT');
  return c;
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('#12 cluster-wide users over the relay', () => {
  it('a name signed in on node A (and its look-alikes) cannot be taken by an anonymous DM on node B; free again once A is killed', async () => {
    const victim = await stomp(a, { login: 'victim' });
    const anon = await anonymous(b);
    await eventually(async () => (await dmAs(anon, 'Victim')) === 'invalid-from', 'node B to know victim is signed in on A');
    assert.equal(await dmAs(anon, 'v\u0456ctim'), 'invalid-from');
    assert.equal(await dmAs(anon, 'someone-else'), undefined);
    await a.kill(); // -9: no goodbye; B forgets A's users after three silent periods
    await eventually(async () => (await dmAs(anon, 'Victim')) === undefined, 'victim to be free after node A died', 3 * PERIOD_MS + 5_000);
    anon.close();
    victim.close();
  });

  it('an admin disconnect issued on node B ends the user\'s session on node A', async () => {
    const victim = await stomp(authA, { passcode: signToken('target', SECRET) });
    const bystander = await stomp(authA, { passcode: signToken('bystander', SECRET) });
    const answer = await fetch(`${authB.url}/api/users/target/disconnect`, { method: 'POST', headers: bearer(signToken('root', SECRET, { roles: ['admin'] })) });
    assert.equal(answer.status, 204);
    const error = await victim.expectErrorAndClose(5_000);
    assert.equal(error.headers.get('message'), 'disconnected');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(bystander.closeCode, undefined);
    bystander.close();
  });
});
