// #13: presence stays right when a node dies. Three nodes over the relay; a node killed with -9 says no
// goodbye, so the survivors forget its users after three silent user-registry periods: its users leave the
// room everywhere, announced once (by the surviving node with the lowest id), while a user who is also in
// the room through another node stays, with no leave and no fresh join. A user entering through two nodes
// at once is announced once: one node (the lowest id) tells the room of every join and leave.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { frameText as f, type RawStomp } from '../support/raw-stomp';
import { startCluster, stompClient, until, type Cluster } from './support/cluster';

const PERIOD_MS = 300;
let cluster: Cluster;

before(async () => {
  cluster = await startCluster('presence_death', 3, { USER_REGISTRY_BROADCAST_MS: String(PERIOD_MS) });
});
after(() => cluster?.stop());

type RoomEvent = { type: string; room: string; user?: string; at?: string };

async function subscribe(c: RawStomp, destination: string, id: string): Promise<void> {
  c.send(f('SUBSCRIBE', { id, destination, receipt: `r-${id}` }));
  await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === `r-${id}`, 30_000);
}

function events(c: RawStomp, room: string): RoomEvent[] {
  return c.frames
    .filter((x) => x.command === 'MESSAGE' && x.headers.get('destination') === `/topic/rooms/${room}/events`)
    .map((x) => JSON.parse(x.body.toString()) as RoomEvent);
}

async function presentOn(url: string, room: string): Promise<string[]> {
  const answer = await fetch(`${url}/api/rooms/${room}/presence`);
  assert.equal(answer.status, 200);
  return ((await answer.json()) as { users: { user: string }[] }).users.map((u) => u.user).sort();
}

describe('#13 presence when a node dies', () => {
  it('a killed node\'s users leave the room on every survivor within three periods, announced once; a user also on a survivor stays', async (t) => {
    const [a, b, c] = cluster.nodes;
    const room = `death${Date.now()}`;
    // Watchers on B and C follow the room's events (and are in it themselves).
    const bob = await stompClient(b!, { login: 'bob' });
    const cat = await stompClient(c!, { login: 'cat' });
    for (const [who, id] of [[bob, 'b'], [cat, 'c']] as const) {
      await subscribe(who, `/topic/rooms/${room}/events`, `${id}-events`);
      await subscribe(who, `/topic/rooms/${room}`, `${id}-room`);
    }
    // ann is in the room only through A; dan through A and B, entering both at once: each node sees its own
    // session before it hears of the other's, and dan must still be announced joined once.
    const ann = await stompClient(a!, { login: 'ann' });
    await subscribe(ann, `/topic/rooms/${room}`, 'a-room');
    const [danOnA, danOnB] = await Promise.all([stompClient(a!, { login: 'dan' }), stompClient(b!, { login: 'dan' })]);
    await Promise.all([subscribe(danOnA, `/topic/rooms/${room}`, 'd-room-a'), subscribe(danOnB, `/topic/rooms/${room}`, 'd-room-b')]);
    for (const node of [a!, b!, c!]) {
      await until(async () => (await presentOn(node.url, room)).join() === 'ann,bob,cat,dan', 10_000, `all four present on ${node.url}`, 100);
    }
    const joinsOf = (who: RawStomp, user: string) => events(who, room).filter((e) => e.type === 'join' && e.user === user).length;
    await until(() => [bob, cat].every((w) => joinsOf(w, 'ann') === 1 && joinsOf(w, 'dan') === 1), 10_000, 'the joins of ann and dan');

    const killedAt = Date.now();
    await a!.kill();
    const leavesOf = (who: RawStomp, user: string) => events(who, room).filter((e) => e.type === 'leave' && e.user === user);
    await until(() => leavesOf(bob, 'ann').length > 0 && leavesOf(cat, 'ann').length > 0, 3 * PERIOD_MS + 10_000, 'ann\'s leave after A died', 20);
    const tookMs = Date.now() - killedAt;
    // Both survivors dropped A's users; only one of them may tell the room. Wait out more periods for a second one.
    await new Promise((r) => setTimeout(r, 4 * PERIOD_MS));
    for (const watcher of [bob, cat]) {
      assert.equal(leavesOf(watcher, 'ann').length, 1, 'ann\'s leave is announced once');
      assert.deepEqual(leavesOf(watcher, 'dan'), [], 'dan is still in the room through B');
      assert.equal(joinsOf(watcher, 'dan'), 1, `and is not joined again: ${JSON.stringify(events(watcher, room))}`);
    }
    for (const node of [b!, c!]) assert.deepEqual(await presentOn(node.url, room), ['bob', 'cat', 'dan']);
    t.diagnostic(`A's users left ${tookMs} ms after the kill (period ${PERIOD_MS} ms)`);
    for (const x of [bob, cat, danOnB]) x.close();
  });
});
