// #13 item 6 across nodes: two real servers on one PostgreSQL and RabbitMQ. A ban made on node A ends the
// banned user's live subscriptions on node B at once (STOMP and SSE) and B refuses them from then on; a
// mute set on A refuses the user's posts on B, and its lifting on A lets them post on B again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SseClient } from '../http/sse-client';
import { signToken } from '../support/tokens';
import { startCluster, until, type Cluster } from '../relay/support/cluster';
import { Rest, refusal } from './support/rest';
import { StompUser } from './support/stomp-user';

const SECRET = 'two-nodes-moderation-secret-0123456789';
let cluster: Cluster;
const token = (user: string, roles?: string[]) => signToken(user, SECRET, roles ? { roles } : {});
const open: Array<{ close(): unknown }> = [];
let seq = 0;
const newRoom = () => `mtn${Date.now().toString(36)}${seq++}`;

before(async () => {
  cluster = await startCluster('moderation', 2, { AUTH_TOKEN_SECRET: SECRET });
});
after(async () => {
  for (const c of open) await c.close();
  await cluster?.stop();
});

const on = (node: number, user: string, roles?: string[]) => new Rest(cluster.nodes[node].url, token(user, roles));
async function stompOn(node: number, user: string): Promise<StompUser> {
  const c = await StompUser.connect(cluster.nodes[node].wsUrl, { token: token(user) });
  open.push(c);
  return c;
}
async function publicRoom(): Promise<string> {
  const room = newRoom();
  await on(0, 'olga').json('POST', '/api/rooms', { room });
  return room;
}

describe('#13 item 6 moderation on two nodes', { timeout: 120_000 }, () => {
  it('a ban on A ends the user\'s subscriptions on B at once, and B refuses them until it is lifted on A', async () => {
    const room = await publicRoom();
    const bob = await stompOn(1, 'bob');
    const messages = await bob.subscribe(`/topic/rooms/${room}`);
    const sse = await SseClient.open(`${cluster.nodes[1].url}/sse/rooms/${room}?access_token=${token('bob')}`);
    open.push(sse);
    const first = await on(0, 'olga').json('POST', `/api/rooms/${room}/messages`, { text: 'hello bob' });
    assert.deepEqual((await messages.next(1, 15_000)).map((m) => m.id), [first.id]);
    await sse.waitFor(() => sse.messages.length === 1);

    assert.equal((await on(0, 'mona', ['moderator']).post(`/api/rooms/${room}/bans`, { user: 'bob' })).status, 201);
    const [ended] = await bob.errors.next(1, 15_000);
    assert.deepEqual([ended.error, ended.destination], ['banned', `/topic/rooms/${room}`]);
    await sse.waitForEnd();
    assert.deepEqual(refusal(await on(1, 'bob').get(`/api/rooms/${room}/messages`)), { status: 403, error: 'banned' });
    bob.subscribeNow(`/topic/rooms/${room}`, { id: 'again' });
    const [again] = await bob.errors.next(2, 15_000).then((all) => all.slice(1));
    assert.deepEqual([again.error, again.destination], ['banned', `/topic/rooms/${room}`]);
    await on(0, 'olga').json('POST', `/api/rooms/${room}/messages`, { text: 'not for bob' });
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(messages.bodies.map((m) => m.text), ['hello bob']);

    assert.equal((await on(0, 'mona', ['moderator']).delete(`/api/rooms/${room}/bans/bob`)).status, 204);
    await until(async () => (await on(1, 'bob').get(`/api/rooms/${room}/messages`)).status === 200, 15_000, 'B lifting the ban');
  });

  it('a mute set on A refuses the user\'s posts on B (REST and STOMP); lifted on A, B lets them post', async () => {
    const room = await publicRoom();
    const bob = await stompOn(1, 'bob');
    assert.equal((await on(0, 'mona', ['moderator']).post(`/api/rooms/${room}/mutes`, { user: 'bob', seconds: 600 })).status, 201);
    // Typing is refused like a post and stores nothing: the probe for "B knows".
    await until(async () => !(await bob.send(`/app/rooms/${room}/typing`, { typing: true })), 15_000, 'B refusing the muted user');
    assert.equal(bob.errors.bodies.at(-1).error, 'muted');
    assert.deepEqual(refusal(await on(1, 'bob').post(`/api/rooms/${room}/messages`, { text: 'over REST on B' })), { status: 403, error: 'muted' });
    assert.equal(await bob.send(`/app/rooms/${room}`, { text: 'over STOMP on B' }), false);
    const refused = bob.errors.bodies.at(-1);
    assert.deepEqual([refused.error, refused.destination], ['muted', `/app/rooms/${room}`]);
    assert.deepEqual(await on(1, 'olga').json('GET', `/api/rooms/${room}/messages`), [], 'nothing of bob\'s was stored');

    assert.equal((await on(0, 'mona', ['moderator']).delete(`/api/rooms/${room}/mutes/bob`)).status, 204);
    await until(() => bob.send(`/app/rooms/${room}/typing`, { typing: false }), 15_000, 'B lifting the mute');
    assert.equal(await bob.send(`/app/rooms/${room}`, { text: 'free on B' }), true);
    assert.deepEqual((await on(0, 'olga').json('GET', `/api/rooms/${room}/messages`)).map((m: { text: string }) => m.text), ['free on B']);

    // Both nodes keep the same trail.
    const trail = await on(1, 'root', ['admin']).json('GET', `/api/audit?room=${room}`);
    assert.deepEqual(trail.map((e: { action: string }) => e.action), ['unmute', 'mute']);
  });
});
