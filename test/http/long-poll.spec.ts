import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { LongPollService } from '../../libs/transports/src/http';
import { startHttpApp, type HttpTestApp } from './http-test-app';
import { postJson, request, type WireMessage } from './http-client';

describe('long polling: /api/rooms/{room}/poll', () => {
  let t: HttpTestApp;
  let polls: LongPollService;
  before(async () => {
    t = await startHttpApp();
    polls = t.app.get(LongPollService);
  });
  after(() => t.stop());

  const post = async (room: string, text: string) =>
    (await postJson(`${t.url}/api/rooms/${room}/messages`, { from: 'p', text })).json() as WireMessage;
  const poll = (room: string, query: string) => request(`${t.url}/api/rooms/${room}/poll${query}`);

  /** Resolves once the server holds `n` polls (each poll registers when it starts waiting). */
  async function heldPolls(n: number): Promise<void> {
    while (polls.waiting !== n) await new Promise((r) => setImmediate(r));
  }

  it('answers at once with the messages newer than after', async () => {
    const a = await post('lp-a', 'one');
    const b = await post('lp-a', 'two');
    const started = Date.now();
    const res = await poll('lp-a', `?after=${a.id - 1}&timeout=30`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), [a, b]);
    assert.ok(Date.now() - started < 5_000);
  });

  it('holds until a message arrives, then answers with it', async () => {
    const last = await post('lp-b', 'before');
    const pending = poll('lp-b', `?after=${last.id}&timeout=30`);
    await heldPolls(1);
    const fresh = await post('lp-b', 'wake up');
    const res = await pending;
    assert.deepEqual(res.json(), [fresh]);
    assert.equal(polls.waiting, 0);
  });

  it('without after waits for the next message only', async () => {
    await post('lp-c', 'old');
    const pending = poll('lp-c', '?timeout=30');
    await heldPolls(1);
    const fresh = await post('lp-c', 'new');
    assert.deepEqual((await pending).json(), [fresh]);
  });

  it('ends with [] when the timeout passes', async () => {
    const started = Date.now();
    const res = await poll('lp-d', '?after=0&timeout=1');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), []);
    assert.ok(Date.now() - started >= 900, 'held for about the timeout');
  });

  it('does not answer with messages of another room', async () => {
    const pending = poll('lp-e', '?timeout=30');
    await heldPolls(1);
    await post('lp-other', 'elsewhere');
    const mine = await post('lp-e', 'mine');
    assert.deepEqual((await pending).json(), [mine]);
  });

  it('frees the waiter as soon as the client goes away', async () => {
    const req = httpRequest(`${t.url}/api/rooms/lp-f/poll?timeout=60`, { agent: false });
    req.on('error', () => undefined);
    req.end();
    await heldPolls(1);
    const metrics = await request(`${t.url}/metrics`);
    assert.match(metrics.text, /chat_connections\{door="long-poll",protocol="http"\} 1/);
    req.destroy();
    await heldPolls(0);
    const after = await request(`${t.url}/metrics`);
    assert.match(after.text, /chat_connections\{door="long-poll",protocol="http"\} 0/);
  });

  it('refuses bad input with {error, message}', async () => {
    for (const [query, room, code] of [
      ['?after=x', 'lp-g', 'invalid-query'],
      ['?timeout=-3', 'lp-g', 'invalid-query'],
      ['?timeout=1', 'bad%20room', 'invalid-room'],
    ]) {
      const res = await poll(room, query);
      assert.equal(res.status, 400, query);
      assert.equal((res.json() as { error: string }).error, code);
    }
    assert.equal(polls.waiting, 0);
  });

  it('answers every held poll when the server shuts down', async () => {
    const own = await startHttpApp();
    const pending = request(`${own.url}/api/rooms/lp-h/poll?timeout=60`);
    const service = own.app.get(LongPollService);
    while (service.waiting !== 1) await new Promise((r) => setImmediate(r));
    const [res] = await Promise.all([pending, own.stop()]);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), []);
  });
});

