// #13 item 7: STOMP history pages backwards with header `before` on /app/rooms/{room}/history.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/server';
import { signToken } from '../support/tokens';
import { StompUser } from './support/stomp-user';

const SECRET = 'history-paging-secret-0123456789';
let server: RunningServer;
let alice: StompUser;

before(async () => {
  server = await startServer({ AUTH_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_SEC: '0' });
  alice = await StompUser.connect(server.wsUrl, { token: signToken('alice', SECRET) });
});
after(async () => {
  await alice.close();
  await server.stop();
});

describe('#13 STOMP history paging', () => {
  it('`before: ID` gives the `limit` messages just below ID, oldest first, and scrolls back to the start', async () => {
    const room = `page${Date.now().toString(36)}`;
    for (let i = 1; i <= 7; i++) assert.ok(await alice.send(`/app/rooms/${room}`, { text: `m${i}` }));
    const latest = await alice.ask(`/app/rooms/${room}/history`, { limit: '3' });
    assert.deepEqual(latest.map((m: { text: string }) => m.text), ['m5', 'm6', 'm7']);
    const ids: number[] = latest.map((m: { id: number }) => m.id);

    const older = await alice.ask(`/app/rooms/${room}/history`, { limit: '3', before: String(ids[0]) });
    assert.deepEqual(older.map((m: { text: string }) => m.text), ['m2', 'm3', 'm4']);
    const oldest = await alice.ask(`/app/rooms/${room}/history`, { limit: '3', before: String(older[0].id) });
    assert.deepEqual(oldest.map((m: { text: string }) => m.text), ['m1']);
    assert.deepEqual(await alice.ask(`/app/rooms/${room}/history`, { before: String(oldest[0].id) }), []);
    // Without limit: the default page (50) below ID.
    const below = await alice.ask(`/app/rooms/${room}/history`, { before: String(ids[2]) });
    assert.deepEqual(below.map((m: { text: string }) => m.text), ['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('a `before` that is no id is `invalid-query` on /user/queue/errors, and no history comes', async () => {
    const room = `pagebad${Date.now().toString(36)}`;
    for (const bad of ['abc', '-1', '1.5', '1e3', '9'.repeat(16), '']) {
      const seen = alice.errors.messages.length;
      const inbox = alice.subscribeNow(`/app/rooms/${room}/history`, { before: bad });
      const [, error] = [inbox, await alice.errors.next(seen + 1)];
      assert.equal(error.at(-1).error, 'invalid-query', `before: ${JSON.stringify(bad)}`);
      assert.equal(inbox.messages.length, 0);
    }
  });
});
