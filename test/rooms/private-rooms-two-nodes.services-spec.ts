// #13 item 1 across nodes: two real servers on one PostgreSQL and RabbitMQ. A private room made on node A
// is refused to non-members on node B at once; a member removed on A loses their live subscription on B;
// an edit and a read marker made on A reach B's subscribers as room events; the tombstone is the same on both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signToken } from '../support/tokens';
import { startCluster, type Cluster } from '../relay/support/cluster';
import { Rest, refusal } from './support/rest';
import { StompUser } from './support/stomp-user';

const SECRET = 'two-nodes-rooms-secret-0123456789';
let cluster: Cluster;
const token = (user: string) => signToken(user, SECRET);
const open: StompUser[] = [];
let seq = 0;
const newRoom = () => `tn${Date.now().toString(36)}${seq++}`;

before(async () => {
  cluster = await startCluster('rooms', 2, { AUTH_TOKEN_SECRET: SECRET });
});
after(async () => {
  for (const c of open) await c.close();
  await cluster?.stop();
});

const on = (node: number, user: string) => new Rest(cluster.nodes[node].url, token(user));
async function stompOn(node: number, user: string): Promise<StompUser> {
  const c = await StompUser.connect(cluster.nodes[node].wsUrl, { token: token(user) });
  open.push(c);
  return c;
}

describe('#13 private rooms on two nodes', { timeout: 180_000 }, () => {
  it('a room made private on A is refused on B; a member removed on A loses B\'s live subscriptions at once', async () => {
    const room = newRoom();
    // Lurker on B follows the name before anyone takes it.
    const lurker = await stompOn(1, 'lurker');
    const early = await lurker.subscribe(`/topic/rooms/${room}`);
    await on(0, 'olga').json('POST', '/api/rooms', { room, visibility: 'private' });
    const [cut] = await lurker.errors.next(1, 15_000);
    assert.deepEqual([cut.error, cut.destination], ['forbidden', `/topic/rooms/${room}`]);
    // B decides from what A did: REST 404, STOMP forbidden, nothing stored.
    assert.deepEqual(refusal(await on(1, 'sam').get(`/api/rooms/${room}/messages`)), { status: 404, error: 'not-found' });
    const sam = await stompOn(1, 'sam');
    assert.equal(await sam.send(`/app/rooms/${room}`, { text: 'let me in' }), false);
    assert.equal(sam.errors.bodies.at(-1).error, 'forbidden');

    await on(0, 'olga').json('PUT', `/api/rooms/${room}/members/mia`);
    const mia = await stompOn(1, 'mia');
    // B learns the new member from A (a control message), shortly.
    let messages;
    for (let i = 0; ; i++) {
      const attempt = mia.subscribeNow(`/topic/rooms/${room}`, { id: `m${i}` });
      await new Promise((r) => setTimeout(r, 200));
      if (mia.errors.messages.length === i) {
        messages = attempt;
        break;
      }
      if (i > 50) assert.fail('node B never let the new member in');
    }
    const events = await mia.subscribe(`/topic/rooms/${room}/events`);
    const first = await on(0, 'olga').json('POST', `/api/rooms/${room}/messages`, { text: 'hello mia' });
    assert.deepEqual((await messages.next(1, 15_000)).map((m) => m.id), [first.id]);
    await on(0, 'olga').json('PATCH', `/api/rooms/${room}/messages/${first.id}`, { text: 'hello, mia' });
    const edit = await events.find((e) => e.type === 'edit', 15_000);
    assert.equal(edit.message.text, 'hello, mia');
    await on(0, 'olga').json('DELETE', `/api/rooms/${room}/messages/${first.id}`);
    await events.find((e) => e.type === 'delete' && e.id === first.id, 15_000);
    const [onB] = await on(1, 'mia').json('GET', `/api/rooms/${room}/messages`);
    assert.deepEqual([onB.deleted, onB.text], [true, '']);

    const before = mia.errors.messages.length;
    assert.equal((await on(0, 'olga').delete(`/api/rooms/${room}/members/mia`)).status, 204);
    const ended = (await mia.errors.next(before + 2, 15_000)).slice(before);
    assert.deepEqual(ended.map((e) => [e.error, e.destination]).sort(), [
      ['forbidden', `/topic/rooms/${room}`],
      ['forbidden', `/topic/rooms/${room}/events`],
    ]);
    const later = await on(0, 'olga').json('POST', `/api/rooms/${room}/messages`, { text: 'not for mia' });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(messages.bodies.some((m) => m.id === later.id), false);
    assert.equal(early.messages.length, 0);
    assert.deepEqual(refusal(await on(1, 'mia').get(`/api/rooms/${room}/messages`)), { status: 404, error: 'not-found' });
  });
});
